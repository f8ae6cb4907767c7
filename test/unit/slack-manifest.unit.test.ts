import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AppsManifestCreateArguments } from "@slack/web-api";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ADD_SHORTCUT_ID } from "../../adapters/slack/command-listeners.ts";

const ROOT = resolve(import.meta.dirname, "../..");

// Slack's own manifest types (@slack/web-api), so a misspelt scope or event fails the type check.
type Manifest = AppsManifestCreateArguments["manifest"];
type BotScopes = NonNullable<NonNullable<NonNullable<Manifest["oauth_config"]>["scopes"]>["bot"]>;
type BotEvents = NonNullable<
  NonNullable<NonNullable<Manifest["settings"]>["event_subscriptions"]>["bot_events"]
>;

const SCOPES: BotScopes = [
  "reactions:read",
  "emoji:read",
  "channels:history",
  "groups:history",
  "im:history",
  "mpim:history",
  "channels:read",
  "groups:read",
  "users:read",
  "chat:write",
  "commands",
  "app_mentions:read",
  "im:write",
];

const EVENTS: BotEvents = [
  "reaction_added",
  "reaction_removed",
  "message.channels",
  "message.groups",
  "message.im",
  "message.mpim",
  "app_mention",
  "app_home_opened",
];

interface ParsedManifest {
  _metadata: { major_version: number };
  display_information: { name: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean };
    bot_user: { display_name: string };
    shortcuts: { name: string; type: string; callback_id: string; description: string }[];
    slash_commands: { command: string; url?: string; description: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = parse(readFileSync(join(ROOT, "manifest/slack.yaml"), "utf8")) as ParsedManifest;

/** The Slack adapter's source files other than the renderers, as text. */
function slackSources(): { file: string; text: string }[] {
  const dir = join(ROOT, "adapters/slack");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".ts") && file !== "blocks.ts")
    .map((file) => ({ file, text: readFileSync(join(dir, file), "utf8") }));
}

describe("manifest/slack.yaml", () => {
  it("is a version 1 manifest for the weeknotes bot user", () => {
    expect(manifest._metadata.major_version).toBe(1);
    expect(manifest.display_information.name).toBe("weeknotes");
    expect(manifest.features.bot_user.display_name).toBe("weeknotes");
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });

  it("asks for exactly the scopes and events the bot uses", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...SCOPES].sort());
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...EVENTS].sort());
  });

  it("sends everything to /slack/events in HTTP mode, with interactivity on", () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    expect(urls).toEqual(urls.map(() => "https://YOUR-HOST/slack/events"));
  });

  it("declares the slash command and the message shortcut the code listens for", () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(["/weeknotes"]);
    expect(manifest.features.shortcuts).toEqual([
      {
        name: "Add to weeknotes",
        type: "message",
        callback_id: ADD_SHORTCUT_ID,
        description: expect.any(String),
      },
    ]);
    // That each of these ids, the review buttons' action ids and the modals' callback ids reaches
    // a listener is checked by sending them to the running bot: test/e2e/slack-manifest.e2e.test.ts.
    const code = slackSources()
      .map((s) => s.text)
      .join("\n");
    for (const name of ["/weeknotes", "weeknotes_add_message"]) {
      expect(code, `${name} in adapters/slack`).toContain(`"${name}"`);
    }
    // Every command the code registers is in the manifest.
    for (const match of code.matchAll(/\.command\(\s*"([^"]+)"/g)) {
      expect(manifest.features.slash_commands.map((c) => c.command)).toContain(match[1]);
    }
  });
});
