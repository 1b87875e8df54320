// Polls every replica's /readyz (directly, not through nginx) and judges it against what the scenario did:
// a replica must stop answering 200 within DOWN_BOUND_MS of losing a dependency (or its process), answer
// 200 again within UP_BOUND_MS of getting it back, and never answer 503 while nothing is wrong with it.
export const DOWN_BOUND_MS = 5000;
export const UP_BOUND_MS = 10_000;
const POLL_MS = 250;
const ANSWER_TIMEOUT_MS = 1500;

export interface Sample {
  /** When the request was sent, and when its answer (or failure) was known. */
  at: number;
  t: number;
  ok: boolean;
}

export interface FaultWindow {
  label: string;
  replicas: number[];
  start: number;
  end: number;
  /** The replica(s) cannot serve: readiness must drop within DOWN_BOUND_MS. */
  expectDown: boolean;
  /** Readiness must come back within UP_BOUND_MS of the end (not for process restarts). */
  measureUp: boolean;
}

export interface ReadinessVerdict {
  /** Largest time to stop answering 200 / to answer 200 again, over the windows that demand it. */
  maxDownLagMs: number | null;
  maxUpLagMs: number | null;
  /** Non-200 answers while nothing was wrong with that replica. */
  spurious: number;
  /** 200 answers later than DOWN_BOUND_MS into a window that demands a drop. */
  falseReady: number;
  violations: string[];
}

export class ReadinessWatch {
  readonly samples: Sample[][];
  #running = true;
  #loops: Promise<void>[];

  constructor(urls: string[]) {
    this.samples = urls.map(() => []);
    this.#loops = urls.map((url, i) => this.#poll(url, this.samples[i] as Sample[]));
  }

  async #poll(url: string, into: Sample[]): Promise<void> {
    while (this.#running) {
      const at = Date.now();
      const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) }).then(
        async (res) => {
          await res.arrayBuffer();
          return res.status === 200;
        },
        () => false,
      );
      const t = Date.now();
      into.push({ at, t, ok });
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (t - at))));
    }
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }
}

export function judgeReadiness(samples: Sample[][], faults: FaultWindow[], from: number): ReadinessVerdict {
  const v: ReadinessVerdict = {
    maxDownLagMs: null,
    maxUpLagMs: null,
    spurious: 0,
    falseReady: 0,
    violations: [],
  };
  const max = (a: number | null, b: number) => (a === null ? b : Math.max(a, b));
  samples.forEach((list, replica) => {
    const mine = faults.filter((f) => f.replicas.includes(replica));
    for (const f of mine) {
      const name = `${f.label} on replica ${replica}`;
      if (f.expectDown) {
        const drop = list.find((s) => s.at >= f.start && !s.ok);
        const lag = drop ? drop.t - f.start : null;
        if (lag !== null && drop && drop.at <= f.end) v.maxDownLagMs = max(v.maxDownLagMs, lag);
        if (f.end - f.start > DOWN_BOUND_MS && (lag === null || lag > DOWN_BOUND_MS))
          v.violations.push(`${name}: still ready ${lag === null ? 'throughout' : `after ${lag} ms`}`);
        const lies = list.filter((s) => s.ok && s.at > f.start + DOWN_BOUND_MS && s.t < f.end);
        v.falseReady += lies.length;
        const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        for (const s of lies.slice(0, 3))
          v.violations.push(`${name}: 200 at ${secs(s.at - f.start)} into a ${secs(f.end - f.start)} outage`);
      }
      if (f.measureUp) {
        const back = list.find((s) => s.at >= f.end && s.ok);
        const lag = back ? back.t - f.end : null;
        if (lag !== null) v.maxUpLagMs = max(v.maxUpLagMs, lag);
        if (lag === null || lag > UP_BOUND_MS)
          v.violations.push(`${name}: not ready again ${lag === null ? 'by the end' : `until ${lag} ms`}`);
      }
    }
    const excused = (s: Sample) => mine.some((f) => s.t >= f.start && s.at <= f.end + UP_BOUND_MS);
    v.spurious += list.filter((s) => s.at >= from && !s.ok && !excused(s)).length;
  });
  if (v.spurious > 0) v.violations.push(`${v.spurious} answers other than 200 with nothing wrong`);
  return v;
}
