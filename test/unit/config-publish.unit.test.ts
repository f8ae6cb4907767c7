import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { loadPublishConfig, publishConfigProblems } from "../../src/config-publish.ts";

const SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t";

describe("the publishing settings", () => {
  it("are off by default, and on with BLOG_DIR, WEBHOOK_URL and WEBHOOK_SECRET", () => {
    expect(loadPublishConfig({})).toEqual({ blog: undefined, webhook: undefined });
    expect(
      loadPublishConfig({
        BLOG_DIR: " /srv/blog ",
        BLOG_URL: "https://blog.example/notes/",
        WEBHOOK_URL: "https://hooks.example/in",
        WEBHOOK_SECRET: SECRET,
      }),
    ).toEqual({
      blog: { dir: "/srv/blog", baseUrl: "https://blog.example/notes/" },
      webhook: { url: "https://hooks.example/in", secret: SECRET },
    });
  });

  it("name every bad key, never its value", () => {
    const problems = publishConfigProblems({
      BLOG_URL: "ftp://blog.example",
      WEBHOOK_URL: "https://hooks.example/in",
      WEBHOOK_SECRET: "short-secret-value",
    });
    expect([...problems.keys()].sort()).toEqual(["BLOG_DIR", "BLOG_URL", "WEBHOOK_SECRET"]);
    expect(() => loadConfig({ WEBHOOK_URL: "https://hooks.example/in" })).toThrow(
      /WEBHOOK_SECRET is required/,
    );
    let message = "";
    try {
      loadConfig({ WEBHOOK_URL: "https://hooks.example/in", WEBHOOK_SECRET: "short-secret-value" });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/WEBHOOK_SECRET must be at least 32 characters/);
    expect(message).not.toContain("short-secret-value");
    expect(publishConfigProblems({ WEBHOOK_SECRET: SECRET }).get("WEBHOOK_URL")).toMatch(/is required/);
  });

  it("reach the bot's Config", () => {
    expect(loadConfig({ BLOG_DIR: "/srv/blog" }).publish.blog).toEqual({
      dir: "/srv/blog",
      baseUrl: undefined,
    });
  });
});
