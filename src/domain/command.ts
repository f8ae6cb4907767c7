import { isSection, type Section } from "./sections.ts";

/** What someone asked of the bot, from `/weeknotes …`, a mention or a DM. */
export type BotCommand =
  | { readonly kind: "add"; readonly section: Section; readonly text: string }
  | { readonly kind: "draft" }
  | { readonly kind: "last" }
  | { readonly kind: "week"; readonly week: string }
  | { readonly kind: "list" }
  | { readonly kind: "config" }
  | { readonly kind: "help"; readonly unknown: string | undefined };

/**
 * Parses the text after `/weeknotes` (or after a mention, or a DM): `add [section:] text`,
 * `draft`, `last` / `last week`, `week 2026-W12`, `list`, `config`, `help`. Case-insensitive
 * keywords; the added text is kept exactly. Anything else is `help` with what was not understood.
 */
export function parseCommand(input: string): BotCommand {
  const text = input.trim();
  const [first = "", ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  const remainder = text.slice(first.length).trim();
  switch (keyword) {
    case "add": {
      const sectioned = /^([a-z_]+):\s*([\s\S]+)$/i.exec(remainder);
      const name = sectioned?.[1]?.toLowerCase();
      if (sectioned && name && isSection(name)) {
        return { kind: "add", section: name, text: sectioned[2]?.trim() ?? "" };
      }
      return remainder
        ? { kind: "add", section: "highlights", text: remainder }
        : { kind: "help", unknown: text };
    }
    case "draft":
      return { kind: "draft" };
    case "last":
      return rest.length === 0 || /^(week|weeknote|note)s?$/i.test(rest.join(" "))
        ? { kind: "last" }
        : { kind: "help", unknown: text };
    case "week":
      return rest[0] ? { kind: "week", week: rest[0] } : { kind: "help", unknown: text };
    case "list":
      return { kind: "list" };
    case "config":
    case "settings":
      return { kind: "config" };
    case "":
    case "help":
      return { kind: "help", unknown: undefined };
    default:
      return { kind: "help", unknown: text };
  }
}

/** The help text for `/weeknotes help` and anything not understood. */
export const COMMAND_HELP = [
  "`/weeknotes add <text>`: add a highlight (or `add thanks: <text>`, `add coming_up: …`, `add challenges: …`, `add tune: …`)",
  "`/weeknotes draft`: draft this week's note now (approvers)",
  "`/weeknotes last`: last approved note",
  "`/weeknotes week 2026-W12`: that week's note, or where its draft stands",
  "`/weeknotes list`: recent notes",
  "`/weeknotes config`: the team's settings",
].join("\n");
