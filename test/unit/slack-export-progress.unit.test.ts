import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { progressBarOnStderr } from "../../adapters/slack-export/progress.ts";
import { readExportHighlights } from "../../adapters/slack-export/read-export.ts";
import { channels, EMOJI, message, TempExports, WEEK } from "./slack-export-fixture.ts";

const temp = new TempExports();
afterAll(() => temp.cleanup());

describe("progress", () => {
  it("reports 0 of N first, then each day file read", async () => {
    const calls: [number, number][] = [];
    const result = await readExportHighlights({
      path: await temp.folder({
        "channels.json": channels(["C1", "general"], ["C2", "random"]),
        "general/2024-03-05.json": [message("2024-03-05T10:00:00Z", "a")],
        "general/2024-03-06.json": [message("2024-03-06T10:00:00Z", "b")],
        "random/2024-03-07.json": [message("2024-03-07T10:00:00Z", "c")],
        "random/2023-03-07.json": [message("2023-03-07T10:00:00Z", "last year")],
      }),
      window: WEEK,
      emoji: EMOJI,
      onProgress: (done, total) => calls.push([done, total]),
    });
    expect(calls).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(result.stats.filesRead).toBe(3);
  });

  it("draws nothing when stderr is not a terminal", () => {
    const stream = fakeStream(false);
    const progress = progressBarOnStderr(stream);
    progress.update(0, 10);
    progress.update(10, 10);
    progress.stop();
    expect(stream.written()).toBe("");
  });

  it("draws a bar on a terminal, and stop is safe twice", () => {
    const stream = fakeStream(true);
    const progress = progressBarOnStderr(stream);
    progress.stop();
    const { update } = progress;
    update(0, 4);
    update(4, 4);
    progress.stop();
    progress.stop();
    expect(stream.written()).toContain("4/4 day files");
  });
});

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { written(): string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  return Object.assign(stream, {
    isTTY,
    columns: 120,
    rows: 40,
    cursorTo: (_x: number, _y?: number | (() => void), cb?: () => void) => {
      cb?.();
      return true;
    },
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    getWindowSize: () => [120, 40],
    written: () => chunks.join(""),
  }) as unknown as NodeJS.WriteStream & { written(): string };
}
