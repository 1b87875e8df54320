// Preloaded (`node --expose-gc --import`) into every server the benchmark starts, paasport included, so the
// harness can ask any of them over IPC for memory after a full GC without the server knowing about it.
import { setTimeout as delay } from 'node:timers/promises';

if (typeof process.send === 'function') {
  process.on('message', async (msg) => {
    if (!msg || typeof msg !== 'object' || msg.op !== 'mem') return;
    // Two collections with a pause between them let weak callbacks and finalizers release native memory.
    for (let i = 0; i < 2; i++) {
      globalThis.gc?.();
      await delay(100);
    }
    const m = process.memoryUsage();
    process.send?.({ id: msg.id, gc: typeof globalThis.gc === 'function', ...m });
  });
  // The probe must not keep a server alive on its own during shutdown.
  process.channel?.unref();
}
