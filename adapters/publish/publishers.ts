import type { PublishConfig } from "../../src/config-publish.ts";
import { asBotError } from "../../src/domain/errors.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Publisher } from "../../src/ports/publisher.ts";
import type { Store } from "../../src/ports/store.ts";
import { createStaticBlogPublisher } from "./static-blog.ts";
import { createWebhookPublisher } from "./webhook.ts";

export interface PublishersDeps {
  readonly config: PublishConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly holder: string;
  /** Overrides the retry waits of both (tests), ms. */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * Every publisher the settings turn on (the static blog, the webhook) as one: each approval goes
 * to each; one failing never stops another. With none on, a publisher that does nothing.
 */
export function createPublishers(deps: PublishersDeps): Publisher {
  const retry = deps.retryDelaysMs === undefined ? {} : { retryDelaysMs: deps.retryDelaysMs };
  const publishers: Publisher[] = [];
  if (deps.config.blog) {
    publishers.push(
      createStaticBlogPublisher({
        dir: deps.config.blog.dir,
        baseUrl: deps.config.blog.baseUrl,
        store: deps.store,
        timers: deps.timers,
        logger: deps.logger,
        ...retry,
      }),
    );
  }
  if (deps.config.webhook) {
    publishers.push(
      createWebhookPublisher({
        url: deps.config.webhook.url,
        secret: deps.config.webhook.secret,
        store: deps.store,
        clock: deps.clock,
        timers: deps.timers,
        logger: deps.logger,
        holder: deps.holder,
        ...retry,
      }),
    );
  }
  return {
    approved(note) {
      for (const publisher of publishers) {
        try {
          publisher.approved(note);
        } catch (error) {
          deps.logger.error({ code: asBotError(error).code }, "publisher failed to start");
        }
      }
    },
    async start() {
      await Promise.all(publishers.map((p) => p.start()));
    },
    async idle() {
      await Promise.all(publishers.map((p) => p.idle()));
    },
    async stop() {
      await Promise.all(publishers.map((p) => p.stop()));
    },
  };
}
