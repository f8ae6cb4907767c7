import type { AnswerWeekRequest } from "../../src/app/answer-week-request.ts";
import { type BotCommand, COMMAND_HELP } from "../../src/domain/command.ts";
import { isBotError } from "../../src/domain/errors.ts";

/** A command's answer as plain text (escaped later by whoever posts it). */
export async function answerText(
  answer: AnswerWeekRequest,
  workspace: string,
  command: BotCommand,
): Promise<string> {
  try {
    switch (command.kind) {
      case "last":
        return withNote(await answer.last(workspace));
      case "week":
        return withNote(await answer.week(workspace, command.week));
      case "list":
        return (await answer.list(workspace)).text;
      default:
        return command.kind === "help" && command.unknown
          ? `I didn't understand "${command.unknown}". I can do:\n${COMMAND_HELP}`
          : COMMAND_HELP;
    }
  } catch (error) {
    if (isBotError(error) && error.code.startsWith("input.")) {
      return error.toUserLine();
    }
    throw error;
  }
}

function withNote(answer: Awaited<ReturnType<AnswerWeekRequest["last"]>>): string {
  return answer.note ? `${answer.text}\n\n${answer.note.revision.markdown}` : answer.text;
}
