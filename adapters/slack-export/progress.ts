import cliProgress from "cli-progress";

/** A progress display fed with (done, total); `update` may be passed around unbound. */
export interface ProgressDisplay {
  readonly update: (done: number, total: number) => void;
  /** Ends the bar (its last state stays on screen). Safe to call twice or before any update. */
  readonly stop: () => void;
}

/**
 * A `cli-progress` bar on stderr for "day files read / day files to read", or a display that does
 * nothing when stderr is not a terminal (pipes, CI logs), so output stays clean there.
 * Pass `update` as `readExportHighlights`'s `onProgress`, and call `stop` when reading ends.
 */
export function progressBarOnStderr(stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!stream.isTTY) {
    return { update: () => {}, stop: () => {} };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: "Reading export [{bar}] {value}/{total} day files", hideCursor: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        started = true;
        bar.start(total, done);
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) {
        started = false;
        bar.stop();
      }
    },
  };
}
