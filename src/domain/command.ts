import { isSection, type Section } from "./sections.ts";

/**
 * What someone asked of the bot in words, on any platform (the text after a slash command, a
 * mention or a DM). `team` is a team named in the request (one word: its key or a one-word name);
 * undefined means "the team of this conversation".
 */
export type ChatRequest =
  | { readonly kind: "add"; readonly section: Section; readonly text: string }
  | { readonly kind: "draft"; readonly team?: string }
  | { readonly kind: "last"; readonly team?: string }
  | { readonly kind: "week"; readonly week: string; readonly team?: string }
  | { readonly kind: "list"; readonly team?: string }
  | { readonly kind: "config"; readonly team?: string }
  | { readonly kind: "new_team"; readonly name: string; readonly personal: boolean }
  /** "Forget me": delete the asker's highlights and tags (SPEC §7). */
  | { readonly kind: "forget" }
  | { readonly kind: "help"; readonly unknown: string | undefined };

/**
 * Parses a request: `add [section:] text`, `draft [team]`, `last [week] [team]`,
 * `week 2026-W12 [team]`, `list [team]`, `config [team]`, `new [personal] [team] <name>`,
 * `forget me`, `help`.
 * Keywords are case-insensitive; added text and team names are kept exactly. Anything else is
 * `help` with what was not understood.
 */
export function parseCommand(input: string): ChatRequest {
  const text = input.trim();
  const [first = "", ...rest] = text.split(/\s+/);
  const keyword = first.toLowerCase();
  const remainder = text.slice(first.length).trim();
  const unknown = { kind: "help", unknown: text } as const;
  switch (keyword) {
    case "add": {
      const sectioned = /^([a-z_]+):\s*([\s\S]+)$/i.exec(remainder);
      const name = sectioned?.[1]?.toLowerCase();
      if (sectioned && name && isSection(name)) {
        return { kind: "add", section: name, text: sectioned[2]?.trim() ?? "" };
      }
      return remainder ? { kind: "add", section: "highlights", text: remainder } : unknown;
    }
    case "draft":
    case "list":
      return withTeam({ kind: keyword }, rest) ?? unknown;
    case "config":
    case "settings":
      return withTeam({ kind: "config" }, rest) ?? unknown;
    case "last": {
      const words = /^(week|weeknote|note)s?$/i.test(rest[0] ?? "") ? rest.slice(1) : rest;
      return withTeam({ kind: "last" }, words) ?? unknown;
    }
    case "week":
      return rest[0] ? (withTeam({ kind: "week", week: rest[0] }, rest.slice(1)) ?? unknown) : unknown;
    case "new":
    case "create":
      return newTeam(rest) ?? unknown;
    // Only the two words: deleting someone's data is never a guess from a near miss.
    case "forget":
      return rest.length === 1 && /^me$/i.test(rest[0] ?? "") ? { kind: "forget" } : unknown;
    case "":
    case "help":
      return { kind: "help", unknown: undefined };
    default:
      return unknown;
  }
}

function withTeam<T extends object>(
  request: T,
  words: readonly string[],
): (T & { team?: string }) | undefined {
  if (words.length === 0) {
    return request;
  }
  return words.length === 1 && words[0] ? { ...request, team: words[0] } : undefined;
}

function newTeam(words: readonly string[]): ChatRequest | undefined {
  let rest = [...words];
  const personal = /^personal$/i.test(rest[0] ?? "");
  if (personal) rest = rest.slice(1);
  if (/^team$/i.test(rest[0] ?? "")) rest = rest.slice(1);
  const name = rest.join(" ").trim();
  return name ? { kind: "new_team", name, personal } : undefined;
}
