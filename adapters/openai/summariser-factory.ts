import { fileURLToPath } from "node:url";
import type { SummariserConfig } from "../../src/config-llm.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { Summariser } from "../../src/ports/summariser.ts";
import { createOfflineSummariser } from "../offline/offline-summariser.ts";
import { createOpenAiSummariser } from "./openai-summariser.ts";
import { loadPrompts } from "./prompts.ts";

/** The prompts shipped with weeknotes, whatever the working directory. */
export const SHIPPED_PROMPTS_DIR = fileURLToPath(new URL("../../prompts/", import.meta.url));

/**
 * The summariser the configuration asks for: the LLM (with the offline summariser as its fallback)
 * when an API key is set, the offline summariser otherwise. Prompts are loaded and checked here,
 * at start-up, so a broken prompt stops the bot before Friday.
 * @throws BotError `config.invalid` for a missing or malformed prompt file.
 */
export function createSummariser(config: SummariserConfig, logger: Logger): Summariser {
  const offline = createOfflineSummariser();
  if (!config.llm) {
    return offline;
  }
  const prompts = loadPrompts({ dir: config.promptsDir ?? SHIPPED_PROMPTS_DIR });
  return createOpenAiSummariser({
    ...config.llm,
    redact: config.redactPii,
    prompts,
    fallback: offline,
    logger,
  });
}
