import { performance } from "node:perf_hooks";
import { asBotError } from "../../src/domain/errors.ts";
import type { Highlight } from "../../src/domain/highlight.ts";
import type { ChatPlatform } from "../../src/ports/chat.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import type { InboxOutcome, Store } from "../../src/ports/store.ts";
import type { SummariseInput, SummariseResult, Summariser } from "../../src/ports/summariser.ts";

// Decorators the composition root puts around the store, the chat platforms and the summariser,
// so that what /metrics counts is measured in one place instead of in every use case.

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * `target` with every method call passed through `around(name, args, call)`; other properties
 * read through. Wrappers are made once per method name.
 */
function aroundMethods<T extends object>(
  target: T,
  around: (name: string, args: unknown[], call: () => unknown) => unknown,
): T {
  const wrapped = new Map<PropertyKey, AnyFunction>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      let wrapper = wrapped.get(property);
      if (!wrapper) {
        const method = value as AnyFunction;
        wrapper = (...args: unknown[]) => around(property, args, () => method.apply(object, args));
        wrapped.set(property, wrapper);
      }
      return wrapper;
    },
  });
}

/** Runs `call`; when it returns a promise, `done(ok, value)` runs as it settles, else at once. */
function observe(call: () => unknown, done: (ok: boolean, value: unknown) => void): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    done(false, error);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        done(true, value);
        return value;
      },
      (error: unknown) => {
        done(false, error);
        throw error;
      },
    );
  }
  done(true, result);
  return result;
}

/**
 * The store, timing every call (`storeCall`, by method name) and counting from what it is asked
 * and answers: each `recordEvent` is an event `received`, then `recorded`, `deduplicated` or
 * `failed`; each `finishEvent` an event processed; an `addTag` given the message's content that
 * returns a highlight is a highlight captured (capture asks with content only after finding there
 * is no highlight yet, src/app/capture.ts).
 */
export function instrumentStore<S extends Store>(store: S, metrics: Metrics): S {
  return aroundMethods(store, (name, args, call) => {
    if (name === "recordEvent") metrics.inboxEvent("received");
    const started = performance.now();
    return observe(call, (ok, value) => {
      metrics.storeCall(name, (performance.now() - started) / 1000, ok);
      if (name === "recordEvent") {
        metrics.inboxEvent(ok ? (value === "duplicate" ? "deduplicated" : "recorded") : "failed");
      } else if (name === "finishEvent" && ok) {
        metrics.inboxProcessed((args[2] as InboxOutcome).status);
      } else if (name === "addTag" && ok && value !== undefined && args[3] !== undefined) {
        metrics.highlightCaptured((args[3] as Highlight).platform);
      }
    });
  });
}

/** A chat platform counting each failed API call by its BotError code (`platformError`). */
export function instrumentChat<C extends ChatPlatform>(chat: C, metrics: Metrics): C {
  return aroundMethods(chat, (_name, _args, call) =>
    observe(call, (ok, value) => {
      if (!ok) metrics.platformError(chat.platform, asBotError(value).code);
    }),
  );
}

/**
 * A summariser counting drafts (`draft`): `kind` is the configured summariser (`openai` or
 * `offline`); a result whose origin is not `llm` from an `openai` summariser is its fallback.
 */
export function instrumentSummariser<S extends Summariser>(summariser: S, kind: string, metrics: Metrics): S {
  return aroundMethods(summariser, (name, args, call) => {
    if (name !== "summarise") return call();
    // A week with no highlights gets the "quiet week" note without an LLM call: not a fallback.
    const quiet = (args[0] as SummariseInput).highlights.length === 0;
    return observe(call, (ok, value) => {
      if (!ok) return metrics.draft(kind, "failed");
      const fellBack = kind === "openai" && !quiet && (value as SummariseResult).origin !== "llm";
      metrics.draft(kind, fellBack ? "fallback" : "written");
    });
  });
}
