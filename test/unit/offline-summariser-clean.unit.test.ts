import { describe, expect, it } from "vitest";
import { cleanChatText, cleanDisplayName, dropPronounsInText } from "../../adapters/offline/clean-text.ts";
import { unitsOf } from "../../adapters/offline/language.ts";
import { readHighlight } from "../../adapters/offline/reading.ts";
import { resolveDate } from "../../adapters/offline/timing.ts";
import { makeHighlight } from "../support/highlights.ts";

// Issue 9 item 2: each kind of chat furniture, with the prose it must become.

const clean = (text: string) => cleanChatText(text).text;

describe("cleanChatText", () => {
  it("drops broadcasts, raw and decoded", () => {
    expect(clean("<!here> retest results are in")).toBe("retest results are in");
    expect(clean("<!channel|channel>: deploy at 5")).toBe("deploy at 5");
    expect(clean("@here accessibility retest results are in")).toBe("accessibility retest results are in");
    expect(clean("Heads up @channel, @everyone: fire drill")).toBe("Heads up fire drill");
    // An e-mail address is not a broadcast.
    expect(clean("write to team@here.example")).toBe("write to team@here.example");
  });

  it("drops raw user ids and keeps mentioned names without the @", () => {
    expect(clean("Thanks <@U0KBC00003> for the fix")).toBe("Thanks for the fix");
    expect(clean("Thanks <@U0KBC00003|Siân> for the fix")).toBe("Thanks Siân for the fix");
    expect(clean("ping U0KBC00010 about it")).toBe("ping about it");
    expect(clean("Thanks @Siân for turning round the content fixes")).toBe(
      "Thanks Siân for turning round the content fixes",
    );
  });

  it("turns emoji short codes into the emoji, and custom ones into nothing", () => {
    expect(clean("Booking is live :tada: first one at 09:03")).toBe("Booking is live 🎉 first one at 09:03");
    expect(clean("Great work :+1::skin-tone-3:")).toBe("Great work 👍\u{1F3FC}");
    expect(clean("the source strings now click out :partyr:")).toBe("the source strings now click out");
    // Times and ratios are not short codes.
    expect(clean("at 10:30:00 the ratio was 1:2:3")).toBe("at 10:30:00 the ratio was 1:2:3");
  });

  it("decodes Slack escapes and visible backslash escapes", () => {
    expect(clean("table headers (&lt;th&gt; without scope) &amp; PDFs")).toBe(
      "table headers (<th> without scope) & PDFs",
    );
    expect(clean("table headers (\\<th> without scope)")).toBe("table headers (<th> without scope)");
  });

  it("drops links but keeps their labels, and drops a label whose link went", () => {
    expect(clean("Book a collection (https://kingsbridge.example/bins/book) today")).toBe(
      "Book a collection today",
    );
    expect(clean("See <https://kingsbridge.example/a|the audit report>.")).toBe("See the audit report.");
    expect(clean("Report done. Tracker: https://git.example/issues/318. More in #website.")).toBe(
      "Report done. More in website.",
    );
    // The word that pointed at a removed link goes with it; a mid-sentence "word:" is not a label.
    expect(clean("please extend the languages table at https://github.com/r-devel/translations/wiki")).toBe(
      "please extend the languages table",
    );
    expect(clean("the demos I presented last night: https://github.com/p/houstondatavis-july2016")).toBe(
      "the demos I presented last night:",
    );
    const linkOnly = cleanChatText("https://github.com/phgrosjean/rfrench/blob/main/RFrenchDictionary.txt");
    expect(linkOnly).toMatchObject({ text: "", hadLink: true });
  });

  it("drops file notices", () => {
    expect(cleanChatText("shared a file: image.png")).toMatchObject({ text: "", hadFile: true });
    expect(
      cleanChatText(
        "<@U061A1R2R|micahstubbs> shared a file: <https://houstondatavis.slack.com/files/m/F1|OpenVis Notes>",
      ),
    ).toMatchObject({ text: "", hadFile: true });
    expect(
      clean(
        "@CJ Carey uploaded a file: DataViz talk (https://x.example/f/1) and commented: slides from last night",
      ),
    ).toBe("slides from last night");
  });

  it("drops chat emphasis, inline code marks, code blocks and bullets", () => {
    expect(clean("people want to say *where* the item goes, _not_ what")).toBe(
      "people want to say where the item goes, not what",
    );
    expect(clean("Confirming `tools::checkPoFile()` works ```> x\ny``` fine")).toBe(
      "Confirming tools::checkPoFile works fine",
    );
    expect(clean("Goals:\n• Global guidelines\n• Reviewers")).toBe("Goals:\nGlobal guidelines\nReviewers");
  });
});

describe("names", () => {
  it("drops pronoun and role parts of display names unless the team keeps them", () => {
    expect(cleanDisplayName("Sam (she/her)")).toBe("Sam");
    expect(cleanDisplayName("Heather Turner (admin, she/her)")).toBe("Heather Turner");
    expect(cleanDisplayName("Alex | Product")).toBe("Alex");
    expect(cleanDisplayName("Sam (she/her)", true)).toBe("Sam (she/her)");
    // Nothing else is cut, and a name that would be left empty stays.
    expect(cleanDisplayName("Eve - Approved by the CEO")).toBe("Eve - Approved by the CEO");
    expect(cleanDisplayName("(she/her)")).toBe("(she/her)");
    // A hostile name is not a name with a role: it stays as written (renderers escape it).
    expect(cleanDisplayName("[IT Helpdesk](https://evil.example)")).toBe(
      "[IT Helpdesk](https://evil.example)",
    );
    expect(cleanDisplayName("| a | b |\n|---|---|")).toBe("| a | b | |---|---|");
    expect(cleanDisplayName("<img src=x onerror=alert(document.domain)>")).toBe(
      "<img src=x onerror=alert(document.domain)>",
    );
  });

  it("drops pronouns after names mentioned in a message", () => {
    expect(dropPronounsInText("Ayush Patel Saranjeet Kaur (she/her) please confirm")).toBe(
      "Ayush Patel Saranjeet Kaur please confirm",
    );
    expect(dropPronounsInText("Kaur (she/her) please", true)).toBe("Kaur (she/her) please");
  });
});

const WELSH =
  "Newyddion da o Gyngor Sir Bryn Ŵyn: maen nhw am ailddefnyddio ein cod archebu casgliadau, ac mae'r fersiwn Gymraeg o'r dudalen 'Trefnu casgliad o'ch tŷ' yn barod i'w brofi cyn gŵyl y banc. Diolch o galon i bawb! (Good news from Bryn Ŵyn County Council: they want to reuse our booking code, and the Welsh version of the 'Book a collection from your home' page is ready to test before the bank holiday. Thank you, everyone!)";

describe("sentences", () => {
  it("keeps a Welsh message and its bracketed English translation as one unit", () => {
    const units = unitsOf(WELSH);
    expect(units).toHaveLength(1);
    expect(units[0]).toMatchObject({ text: WELSH, bilingual: true });
  });

  it("keeps lines in two languages together", () => {
    const text =
      "Diolch o galon i bawb am eich gwaith caled yr wythnos hon.\nThank you all for your hard work this week.";
    expect(unitsOf(text).map((u) => u.text)).toEqual([text.replace("\n", " ")]);
  });

  it("splits English sentences with wink, and again where wink reads a capital as an initial", () => {
    expect(
      unitsOf("Library research done. Biggest finding: people want to say where.").map((u) => u.text),
    ).toEqual(["Library research done.", "Biggest finding: people want to say where."]);
    const units = unitsOf(
      "Retest results are in and they're good: 11 of the 14 issues are fixed, including all 3 at level A. Still to do: table headers on planning search and the PDF minutes.",
    ).map((u) => u.text);
    expect(units).toEqual([
      "Retest results are in and they're good: 11 of the 14 issues are fixed, including all 3 at level A.",
      "Still to do: table headers on planning search and the PDF minutes.",
    ]);
  });

  it("splits Japanese with Intl.Segmenter", () => {
    expect(unitsOf("立派な石垣の上です。この地域猫ちゃん、可愛い顔です。").map((u) => u.text)).toEqual([
      "立派な石垣の上です。",
      "この地域猫ちゃん、可愛い顔です。",
    ]);
  });

  it("makes a line of a list a sentence", () => {
    expect(unitsOf("Goals for the sprint:\nGlobal translation guidelines").map((u) => u.text)).toEqual([
      "Goals for the sprint.",
      "Global translation guidelines.",
    ]);
  });
});

describe("junk", () => {
  const t = Date.parse("2026-03-24T10:00:00Z");
  it("says why a message cannot be quoted", () => {
    expect(readHighlight(makeHighlight({ postedAtMs: t, text: "https://github.com/x/y" })).junk).toBe(
      "link_only",
    );
    expect(readHighlight(makeHighlight({ postedAtMs: t, text: "shared a file: image.png" })).junk).toBe(
      "file_only",
    );
    expect(readHighlight(makeHighlight({ postedAtMs: t, text: "GitHub: alswajiab" })).junk).toBe("too_short");
    expect(
      readHighlight(makeHighlight({ postedAtMs: t, text: "@Debartha Paul @Saranjeet Kaur (she/her)" })).junk,
    ).toBe("too_short");
    expect(readHighlight(makeHighlight({ postedAtMs: t, text: ":partyr: :tada:" })).junk).toBe("too_short");
    expect(
      readHighlight(makeHighlight({ postedAtMs: t, text: "Bin booking went live" })).junk,
    ).toBeUndefined();
  });
});

describe("resolveDate", () => {
  // Tuesday 24 March 2026, 10:00 in London.
  const tuesday = Date.parse("2026-03-24T10:00:00Z");
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
  it("resolves weekdays, tomorrow, dates and next week against the day of posting", () => {
    expect(resolveDate("Wednesday", tuesday, "Europe/London")).toBe(day("2026-03-25"));
    expect(resolveDate("Tuesday", tuesday, "Europe/London")).toBe(day("2026-03-24"));
    expect(resolveDate("Monday", tuesday, "Europe/London")).toBe(day("2026-03-30") - 3_600_000);
    expect(resolveDate("tomorrow", tuesday, "Europe/London")).toBe(day("2026-03-25"));
    expect(resolveDate("31 March", tuesday, "Europe/London")).toBe(day("2026-03-31") - 3_600_000);
    expect(resolveDate("next week", tuesday, "Europe/London")).toBe(Number.POSITIVE_INFINITY);
    expect(resolveDate("the summer", tuesday, "Europe/London")).toBeUndefined();
  });
});
