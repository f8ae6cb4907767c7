import { z } from "zod";
import { presentValues } from "./config-llm.ts";
import { BotError } from "./domain/errors.ts";

/**
 * Publishing outside chat (issue 9 item 5): where an approved note also goes. Both are optional;
 * with neither set, an approval only posts the note in chat.
 */
export interface PublishConfig {
  /**
   * A static blog: every team's approved notes as Markdown files with front matter, HTML pages,
   * an index page and an Atom feed, rewritten on every approval (adapters/publish/static-blog.ts).
   */
  readonly blog:
    | {
        /** The blog's folder; each team's notes go in `<dir>/<workspace>/<team>/`. Env `BLOG_DIR`. */
        readonly dir: string;
        /**
         * Where `dir` is served, an http(s) URL ending in `/`, for the feed's absolute links. Env
         * `BLOG_URL`; undefined: links are relative and ids are `urn:weeknotes:…`.
         */
        readonly baseUrl: string | undefined;
      }
    | undefined;
  /** A webhook POSTed the approved note as signed JSON (adapters/publish/webhook.ts). */
  readonly webhook:
    | {
        /** Env `WEBHOOK_URL`, http(s). */
        readonly url: string;
        /** The HMAC-SHA256 key of the signature header, at least 32 characters. Env `WEBHOOK_SECRET`. Never logged. */
        readonly secret: string;
      }
    | undefined;
}

/** The environment variables {@link loadPublishConfig} reads. */
export const PUBLISH_CONFIG_KEYS = ["BLOG_DIR", "BLOG_URL", "WEBHOOK_URL", "WEBHOOK_SECRET"] as const;

/** Settings among {@link PUBLISH_CONFIG_KEYS} that are secrets (never printed nor logged). */
export const PUBLISH_SECRET_KEYS = ["WEBHOOK_SECRET"] as const;

/** Shortest webhook secret: 32 characters, 256 bits when random hex or base64 of 24 bytes and more. */
export const MIN_WEBHOOK_SECRET_LENGTH = 32;

const httpUrl = (message: string) =>
  z.string().refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), message);

const schema = z.object({
  BLOG_DIR: z.string().optional(),
  BLOG_URL: httpUrl("must be an http:// or https:// URL ending in /")
    .refine((url) => url.endsWith("/"), "must be an http:// or https:// URL ending in /")
    .optional(),
  WEBHOOK_URL: httpUrl("must be an http:// or https:// URL").optional(),
  WEBHOOK_SECRET: z
    .string()
    .min(MIN_WEBHOOK_SECRET_LENGTH, `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`)
    .optional(),
});

/**
 * What is wrong with the publishing settings of `env`, by key (empty when nothing is): each
 * value's own rule, then the rules across keys. Never quotes a value (src/config.ts, "What is
 * never printed").
 */
export function publishConfigProblems(env: Record<string, string | undefined>): Map<string, string> {
  const values = presentValues(env, PUBLISH_CONFIG_KEYS);
  const problems = new Map<string, string>();
  const result = schema.safeParse(values);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0]);
      if (!problems.has(key)) problems.set(key, issue.message);
    }
  }
  if (values.WEBHOOK_URL !== undefined && values.WEBHOOK_SECRET === undefined) {
    problems.set(
      "WEBHOOK_SECRET",
      `is required when WEBHOOK_URL is set (at least ${MIN_WEBHOOK_SECRET_LENGTH} random characters; the receiver checks the signature with it)`,
    );
  }
  if (
    values.WEBHOOK_SECRET !== undefined &&
    values.WEBHOOK_URL === undefined &&
    !problems.has("WEBHOOK_SECRET")
  ) {
    problems.set("WEBHOOK_URL", "is required when WEBHOOK_SECRET is set (the webhook is on only with a URL)");
  }
  if (values.BLOG_URL !== undefined && values.BLOG_DIR === undefined) {
    problems.set("BLOG_DIR", "is required when BLOG_URL is set (the blog is written only to a folder)");
  }
  return problems;
}

/**
 * Reads the publishing settings; blank values count as unset.
 * @throws BotError `config.invalid` naming every bad key (see {@link publishConfigProblems}).
 */
export function loadPublishConfig(env: Record<string, string | undefined>): PublishConfig {
  const problems = publishConfigProblems(env);
  if (problems.size > 0) {
    const lines = [...problems].map(([key, message]) => `  ${key} ${message}`);
    throw new BotError("config.invalid", `Invalid configuration:\n${lines.join("\n")}`, {
      hint: "Fix these environment variables (each is described in .env.example) and start again",
    });
  }
  const v = presentValues(env, PUBLISH_CONFIG_KEYS);
  return {
    blog: v.BLOG_DIR === undefined ? undefined : { dir: v.BLOG_DIR, baseUrl: v.BLOG_URL },
    webhook:
      v.WEBHOOK_URL === undefined || v.WEBHOOK_SECRET === undefined
        ? undefined
        : { url: v.WEBHOOK_URL, secret: v.WEBHOOK_SECRET },
  };
}
