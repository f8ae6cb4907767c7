import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * Writes a synthetic Slack export of `messages` messages: `channels` channel folders of day files
 * 70 a day from 2024-01-01 on (so 1,000,000 span about two years), about 1 message in 40 tagged with a highlight emoji, a thread reply in 20,
 * and joins and bot posts mixed in, as real exports have. Deterministic (no randomness).
 */
export async function generateExport(
  root: string,
  options: { messages: number; channels: number },
): Promise<void> {
  const perChannel = Math.ceil(options.messages / options.channels);
  const perDay = 70;
  const days = Math.ceil(perChannel / perDay);
  const users = Array.from({ length: 50 }, (_, i) => ({
    id: `U${String(i).padStart(8, "0")}`,
    name: `user${i}`,
    real_name: `User ${i}`,
    profile: { display_name: `User ${i}`, real_name: `User ${i}` },
  }));
  const channels = Array.from({ length: options.channels }, (_, i) => ({
    id: `C${String(i).padStart(8, "0")}`,
    name: `channel-${i}`,
    created: 1_700_000_000,
    is_archived: false,
  }));
  await mkdir(root, { recursive: true });
  await writeFile(join(root, "users.json"), JSON.stringify(users));
  await writeFile(join(root, "channels.json"), JSON.stringify(channels));
  const start = Date.UTC(2024, 0, 1) / 1000;
  let written = 0;
  for (const [c, channel] of channels.entries()) {
    await mkdir(join(root, channel.name), { recursive: true });
    for (let day = 0; day < days && written < options.messages; day += 1) {
      const messages: unknown[] = [];
      for (let m = 0; m < perDay && written < options.messages; m += 1, written += 1) {
        const seconds = start + day * 86_400 + Math.floor((m * 86_400) / perDay);
        const ts = `${seconds}.${String(m).padStart(6, "0")}`;
        const user = users[(m + c) % users.length]?.id ?? "U0";
        messages.push(syntheticMessage(ts, user, m, written));
      }
      const date = new Date((start + day * 86_400) * 1000).toISOString().slice(0, 10);
      await writeFile(join(root, channel.name, `${date}.json`), JSON.stringify(messages, null, 1));
    }
  }
}

function syntheticMessage(ts: string, user: string, m: number, n: number): Record<string, unknown> {
  if (m % 97 === 0) {
    return { type: "message", subtype: "channel_join", user, text: `<@${user}> has joined the channel`, ts };
  }
  if (m % 89 === 0) {
    return { type: "message", subtype: "bot_message", bot_id: "B1", text: "Deploy finished", ts };
  }
  const message: Record<string, unknown> = {
    type: "message",
    user,
    text: `Message ${n}: shipped part ${m} of the &lt;booking&gt; service with <@${user}>, see <https://example.org/${n}|the PR>`,
    ts,
  };
  if (m % 20 === 1) {
    message.thread_ts = ts.replace(/\.\d+$/, ".000000");
  }
  if (m % 40 === 3) {
    message.reactions = [
      { name: m % 80 === 3 ? "star" : "clap::skin-tone-3", users: [user], count: 1 },
      { name: "+1", users: ["U00000001", "U00000002"], count: 2 },
    ];
  }
  return message;
}
