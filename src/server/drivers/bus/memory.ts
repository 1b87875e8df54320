// In-process bus: delivery within this process only, so it serves exactly one replica.
import { type Bus, TopicListeners } from './bus.js';

export function createMemoryBus(): Bus {
  const listeners = new TopicListeners();
  let closed = false;
  return {
    driver: 'memory',
    publish: async (topic, payload) => {
      if (closed) throw new Error('bus closed');
      // Asynchronous like a network bus, so callers never depend on synchronous re-entry.
      queueMicrotask(() => listeners.emit(topic, payload));
    },
    subscribe: async (topic, listener) => {
      listeners.add(topic, listener);
      return async () => {
        listeners.remove(topic, listener);
      };
    },
    onResync: () => () => {},
    ping: async () => {
      if (closed) throw new Error('bus closed');
    },
    close: async () => {
      closed = true;
    },
  };
}
