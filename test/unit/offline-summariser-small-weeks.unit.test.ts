import { describe, expect, it } from "vitest";
import { summariseOffline } from "../../adapters/offline/offline-summariser.ts";
import type { SummariseInput } from "../../src/ports/summariser.ts";
import { makeHighlight } from "../support/highlights.ts";

// Issue 9 on small weeks (npm run quality -- --all-weeks): a week with something usable says it,
// and one long sentence does not push the prose past grade 9.

const base: Omit<SummariseInput, "highlights"> = {
  week: "2016-W50",
  teamName: "Data vis",
  teamKey: "T1/default",
  voice: "we",
  timezone: "UTC",
};
const at = (day: number) => Date.UTC(2016, 11, 12 + day, 10);

function paragraphs(input: SummariseInput): string[] {
  return summariseOffline(input).sections.flatMap((s) => (s.paragraphs ?? []).map((p) => p.text));
}

describe("the offline summariser on small weeks", () => {
  it("cites a week's only highlight whole when none of its sentences is short, instead of leaving it out", () => {
    const only = makeHighlight({
      id: "C1/1.000100",
      postedAtMs: at(2),
      authorName: "Rob",
      text: "Last content export from the old intranet is done: all 1,412 pages are in the records archive, with redirects from the 200 most visited URLs.",
    });
    const doc = summariseOffline({ ...base, highlights: [only] });
    expect(doc.leftOut).toEqual([]);
    expect(paragraphs({ ...base, highlights: [only] })).toEqual([
      "On Wednesday, Rob wrote: Last content export from the old intranet is done: all 1,412 pages are in the records archive, with redirects from the 200 most visited URLs.",
    ]);
    expect(doc.footer).toMatch(/; cites 1 of 1\.$/);
  });

  it("cites nothing only when every highlight is junk, each with its reason", () => {
    const link = makeHighlight({ id: "C1/1.000100", postedAtMs: at(0), text: "http://datausa.io/" });
    const file = makeHighlight({
      id: "C1/2.000100",
      postedAtMs: at(1),
      text: "@javier uploaded a file: Maps (https://x.slack.com/files/javier/F0C5F32MS/img.jpg)",
    });
    const doc = summariseOffline({ ...base, highlights: [link, file] });
    expect(doc.sections).toEqual([]);
    expect(doc.leftOut).toEqual([
      { highlightId: "C1/1.000100", reason: "link_only" },
      { highlightId: "C1/2.000100", reason: "file_only" },
    ]);
  });

  it("reads a hard first sentence with the next one, or quotes an easier whole sentence, to keep the grade down", () => {
    const hard = makeHighlight({
      id: "C1/1.000100",
      postedAtMs: at(0),
      authorName: "Stephen Rasey",
      text: 'I can imagine the technology being used for a host of "Powers of 10" visualizations.    Maybe not directly, it being tied to the mapping database.    But the capability to zoom in and out at several levels of detail could be applied to many situations, models and schematics.',
    });
    expect(paragraphs({ ...base, highlights: [hard] })).toEqual([
      "On Monday, Stephen Rasey wrote: Maybe not directly, it being tied to the mapping database.",
    ]);
    const josep = makeHighlight({
      id: "C1/2.000100",
      postedAtMs: at(5),
      authorName: "Josep Pueyo-Ros",
      text: "Hello! I'm Josep, geographer working as a researcher in the Catalan Institute for Water Research (ICRA-CERCA). I joined the channel to contribute with the Catalan translations.",
    });
    expect(paragraphs({ ...base, highlights: [josep] })).toEqual([
      "On Saturday, Josep Pueyo-Ros wrote: I joined the channel to contribute with the Catalan translations.",
    ]);
  });
});
