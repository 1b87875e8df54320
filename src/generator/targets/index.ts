// Registry of every target; adding a target is one folder and one line here.

import { caproverTarget } from './caprover/index.js';
import { captainDefinitionTarget } from './captain-definition/index.js';
import { composeTarget } from './compose/index.js';
import { coolifyTarget } from './coolify/index.js';
import { dokployTarget } from './dokploy/index.js';
import { helmTarget } from './helm/index.js';
import { k8sTarget } from './k8s/index.js';
import { portainerTarget } from './portainer/index.js';
import { railwayTarget } from './railway/index.js';
import { renderTarget } from './render/index.js';
import { swarmTarget } from './swarm/index.js';
import type { Target } from './target.js';

export const allTargets: readonly Target[] = [
  caproverTarget,
  captainDefinitionTarget,
  coolifyTarget,
  railwayTarget,
  composeTarget,
  swarmTarget,
  dokployTarget,
  portainerTarget,
  renderTarget,
  helmTarget,
  k8sTarget,
];

export function targetNamed(name: string): Target | undefined {
  return allTargets.find((t) => t.name === name);
}
