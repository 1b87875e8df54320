// The provisioner seam (as in Score implementations): each target maps every resource type through one small
// provisioner, which says what runs the resource there and how each of its outputs reads in that target.
import type { App } from '../../model/app.js';
import type { Resource, ResourceOf, ResourceType } from '../../model/resource.js';
import { mapResources, type Value, type ValuePart } from '../../model/value.js';

export type ResourceRef = Extract<ValuePart, { kind: 'resource' }>;

/**
 * One resource type on one target. `Ctx` is what the target passes in (naming, secret syntax); `Out` is what
 * it gets back to place in its files (compose services and volumes, CapRover services and variables, …).
 * Only bundled resources reach a provisioner: normalize rewrites references to external ones into inputs.
 */
export interface Provisioner<R extends Resource, Ctx, Out> {
  /** The services, volumes and variables that run the resource on the target. */
  provision(resource: R, ctx: Ctx): Out;
  /**
   * How `${resources.<id>.<output>}` reads on the target: text parts for fixed values (escaped by the
   * renderer) and `raw` parts for target syntax (`${DB_PASSWORD:?…}`, `$$cap_db_password`).
   */
  output(resource: R, ref: ResourceRef, ctx: Ctx): Value;
}

/** Fails on an output the resource type does not have (normalize checks them, so this is a bug). */
export function missingOutput(ref: ResourceRef): never {
  throw new Error(`no output ${ref.output} on ${ref.resource}`);
}

/** The output a reference names, from a table of lazily built values. */
export function pickOutput(values: Record<string, () => Value>, ref: ResourceRef): Value {
  return (values[ref.output] ?? (() => missingOutput(ref)))();
}

export type Provisioners<Ctx, Out> = { [T in ResourceType]: Provisioner<ResourceOf<T>, Ctx, Out> };

export function provisionerFor<Ctx, Out>(
  set: Provisioners<Ctx, Out>,
  resource: Resource,
): Provisioner<Resource, Ctx, Out> {
  return set[resource.type] as Provisioner<Resource, Ctx, Out>;
}

/** Replaces the resource references of a value with what the target's provisioners say they read as. */
export function resolveResources<Ctx, Out>(app: App, v: Value, set: Provisioners<Ctx, Out>, ctx: Ctx): Value {
  return mapResources(v, (ref) => {
    const resource = app.resources.find((r) => r.id === ref.resource);
    if (!resource) throw new Error(`reference to unknown resource ${ref.resource}`);
    return provisionerFor(set, resource).output(resource, ref, ctx);
  });
}

export { composeUrl, type UrlParts } from '../../model/url.js';
