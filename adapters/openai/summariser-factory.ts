import { join } from "node:path";
import type { SummariserConfig } from "../../src/config-llm.ts";
import type { Clock, Timers } from "../../src/ports/clock.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Metrics } from "../../src/ports/metrics.ts";
import type { Summariser } from "../../src/ports/summariser.ts";
import { createOfflineSummariser } from "../offline/offline-summariser.ts";
import { packageRoot } from "../package-root.ts";
import { createOpenAiSummariser } from "./openai-summariser.ts";
import { loadPromptLibrary, type PromptSet } from "./prompts.ts";
import { loadTokenizer, warmUp } from "./tokens.ts";

/** A summariser with a start-up step: the composition root awaits `prepare()` before the bot listens. */
export interface PreparedSummariser extends Summariser {
  /**
   * Loads what the first draft would otherwise load in the middle of the bot's work: the LLM's
   * tokenizer, whose first load holds the event loop for about 600 ms, and its first runs over long
   * text, which held it 40–60 ms per highlight (issue 12). Never rejects:
   * a failure is logged and the first draft tries again.
   */
  prepare(): Promise<void>;
}

/** The prompts shipped with weeknotes, whatever the working directory. */
export const SHIPPED_PROMPTS_DIR = join(packageRoot(), "prompts");

/**
 * The summariser the configuration asks for: the LLM (with the offline summariser as its fallback)
 * when an API key is set, the offline summariser otherwise. Prompts are loaded and checked here,
 * at start-up, so a broken prompt stops the bot before Friday; a team with a folder under
 * TEAM_PROMPTS_DIR gets its own prompts (and so its own prompt version in its revisions).
 * `time` is where the LLM's time budget is measured and enforced (default: the system clock and timers).
 * @throws BotError `config.invalid` for a missing or malformed prompt file.
 */
export function createSummariser(
  config: SummariserConfig,
  logger: Logger,
  time: { readonly clock?: Clock; readonly timers?: Timers; readonly metrics?: Metrics } = {},
): PreparedSummariser {
  const offline = createOfflineSummariser();
  const llm = config.llm;
  if (!llm) {
    return { summarise: (input) => offline.summarise(input), prepare: () => offline.prepare() };
  }
  const library = loadPromptLibrary({
    dir: config.promptsDir ?? SHIPPED_PROMPTS_DIR,
    ...(config.teamPromptsDir ? { teamsDir: config.teamPromptsDir } : {}),
  });
  const make = (prompts: PromptSet) =>
    createOpenAiSummariser({ ...llm, redact: config.redactPii, prompts, fallback: offline, logger, ...time });
  const byTeam = new Map(library.teams.map((folder) => [folder, make(library.forTeam(folder))]));
  const defaults = make(library.defaults);
  return {
    async prepare() {
      // The offline summariser is the fallback: its language model loads now too.
      await offline.prepare();
      try {
        warmUp(await loadTokenizer(llm.model));
      } catch (error) {
        logger.warn(
          { model: llm.model, error: error instanceof Error ? error.message : String(error) },
          "could not load the tokenizer; the first draft tries again",
        );
      }
    },
    summarise(input) {
      // A team's folder is named `<workspace>_<team>`: `/` cannot be in a folder name.
      const folder = input.teamKey?.replace("/", "_");
      return (folder ? byTeam.get(folder) : undefined)?.summarise(input) ?? defaults.summarise(input);
    },
  };
}
