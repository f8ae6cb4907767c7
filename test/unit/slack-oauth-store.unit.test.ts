import type { Installation as SlackInstallation } from "@slack/oauth";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../../adapters/memory/memory-store.ts";
import { slackInstallationStore } from "../../adapters/slack/oauth/installations.ts";
import { createTokenCipher } from "../../adapters/slack/oauth/token-cipher.ts";
import { isBotError } from "../../src/domain/errors.ts";

const KEY = Buffer.alloc(32, 7).toString("base64");
const clock = { now: () => 1_790_000_000_000 };

function installation(team: string, token: string): SlackInstallation<"v2", false> {
  return {
    team: { id: team, name: "Digital" },
    enterprise: undefined,
    user: { id: "U0ADMIN001", token: undefined, scopes: undefined },
    bot: { token, scopes: ["reactions:read"], id: "B0BOT00002", userId: "U0BOT00002" },
    appId: "A0APP00001",
    tokenType: "bot",
    isEnterpriseInstall: false,
    authVersion: "v2",
  };
}

describe("token cipher", () => {
  it("opens what it sealed, with a fresh nonce each time", () => {
    const cipher = createTokenCipher(KEY);
    const a = cipher.seal("xoxb-1-secret");
    const b = cipher.seal("xoxb-1-secret");
    expect(a).not.toBe(b);
    expect(a).not.toContain("xoxb");
    expect(cipher.open(a)).toBe("xoxb-1-secret");
  });

  it("refuses a changed ciphertext and another key", () => {
    const sealed = createTokenCipher(KEY).seal("xoxb-1-secret");
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    const tampered = [...parts.slice(0, 3), body.toString("base64url")].join(".");
    expect(() => createTokenCipher(KEY).open(tampered)).toThrow(/cannot be decrypted/);
    const other = createTokenCipher(Buffer.alloc(32, 8).toString("hex"));
    expect(() => other.open(sealed)).toThrow(/cannot be decrypted/);
    expect(() => other.open("xoxb-plain")).toThrow(/expected encrypted form/);
  });

  it("refuses a key that is not 32 bytes without repeating it", () => {
    try {
      createTokenCipher("short-key-value");
      expect.unreachable();
    } catch (error) {
      expect(isBotError(error) && error.code).toBe("config.invalid");
      expect(String((error as Error).message)).not.toContain("short-key-value");
    }
  });
});

describe("Slack installations over the store port", () => {
  it("stores tokens sealed and gives them back open; delete forgets the workspace", async () => {
    const store = createMemoryStore();
    const installs = slackInstallationStore(store, createTokenCipher(KEY), clock);
    await installs.storeInstallation(installation("T0OTHER001", "xoxb-2-other"));
    const row = await store.getInstallation("slack", "T0OTHER001");
    expect(JSON.stringify(row)).not.toContain("xoxb-2-other");
    expect(row?.installedAtMs).toBe(clock.now());
    const back = await installs.fetchInstallation({
      teamId: "T0OTHER001",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(back.bot?.token).toBe("xoxb-2-other");
    expect(back.bot?.userId).toBe("U0BOT00002");
    await expect(
      installs.fetchInstallation({
        teamId: "T0NEVER001",
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).rejects.toThrow(/not installed/);
    await installs.deleteInstallation?.({
      teamId: "T0OTHER001",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(await store.getInstallation("slack", "T0OTHER001")).toBeUndefined();
  });

  it("serves every workspace of an org-wide install from the organisation's row", async () => {
    const store = createMemoryStore();
    const installs = slackInstallationStore(store, createTokenCipher(KEY), clock);
    await installs.storeInstallation({
      ...installation("T0IGNORED1", "xoxb-3-org"),
      team: undefined,
      enterprise: { id: "E0ORG00001", name: "Council" },
      isEnterpriseInstall: true,
    } as unknown as SlackInstallation);
    const back = await installs.fetchInstallation({
      teamId: "T0ANYWS001",
      enterpriseId: "E0ORG00001",
      isEnterpriseInstall: false,
    });
    expect(back.bot?.token).toBe("xoxb-3-org");
  });
});
