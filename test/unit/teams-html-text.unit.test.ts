import { describe, expect, it } from "vitest";
import { htmlToText } from "../../adapters/teams/html-text.ts";

// Shapes as Teams sends them: the message extension's messagePayload (Microsoft's "Create and send
// dialogs" sample), a bot activity's text with mentions and an emoji, Graph chatMessage bodies with
// the emoji span and the new <codeblock> (msgraph-sdk-javascript#1995).
describe("htmlToText: Teams message shapes", () => {
  it("reads a message extension's messagePayload body", () => {
    expect(htmlToText('<div><div><at id="0">Testing outgoing Webhook-Nikitha</at> - Hi</div>\n</div>')).toBe(
      "@Testing outgoing Webhook-Nikitha - Hi",
    );
  });

  it("reads a bot activity's text: mentions, &nbsp;, an emoji image inside <at>, a trailing newline", () => {
    const text =
      '<at>CapCoins</at>&nbsp;testing go go go <at><img alt="🍺" itemid="beer" itemscope="" itemtype="http://schema.skype.com/Emoji" src="https://statics.teams.microsoft.com/evergreen-assets/funstuff/skype-emoticons-f/beer/default_20.png" style="width:20px; height:20px"></at>&nbsp;&nbsp;\n';
    expect(htmlToText(text)).toBe("@CapCoins testing go go go @🍺");
  });

  it("writes a mention as @Name, like the Slack decoder, with its trailing newline collapsed", () => {
    expect(htmlToText('<p><at id="0">Priya Shah</at>\n shipped the form</p>')).toBe(
      "@Priya Shah shipped the form",
    );
    expect(htmlToText('<p>thanks <at id="1">@Jo</at>!</p>')).toBe("thanks @Jo!");
    expect(htmlToText("<p><at></at>empty mention</p>")).toBe("empty mention");
  });

  it("reads an emoji span's image as its alt", () => {
    const body =
      '<div><div>second reply <span class="animated-emoticon-20" title="Grinning face with smiling eyes" type="grinningfacewithsmilingeyes"><img itemid="grinningfacewithsmilingeyes" itemscope="" itemtype="http://schema.skype.com/Emoji" src="https://statics.teams.cdn.office.net/evergreen-assets/personal-expressions/v2/assets/emoticons/grinningfacewithsmilingeyes/default/20_f.png?v=v8" alt="😄" style="width:20px; height:20px"></span></div>\n\n</div>';
    expect(htmlToText(body)).toBe("second reply 😄");
    const party =
      '<p>Launched <span title="Party popper" type="(1f389_partypopper)" class="animated-emoticon-20-1f389_partypopper"><img itemscope="" itemtype="http://schema.skype.com/Emoji" itemid="1f389_partypopper" src="https://statics.teams.cdn.office.net/x/20_f.png" title="Party popper" alt="🎉" style="width:20px; height:20px"></span> today</p>';
    expect(htmlToText(party)).toBe("Launched 🎉 today");
    expect(htmlToText('<p>ok <emoji id="smile" alt="😄" title="Smile">(smile)</emoji></p>')).toBe("ok 😄");
  });

  it("leaves out uploaded pictures, whose alt is Teams' generic 'image', but keeps other alts", () => {
    expect(
      htmlToText(
        '<p>the new bin</p><p><img src="https://x/v1/objects/0-a/views/imgo" alt="image" itemtype="http://schema.skype.com/AMSImage"></p>',
      ),
    ).toBe("the new bin");
    expect(
      htmlToText(
        '<img alt="Oh My God Omg GIF by Instacart (GIF Image)" src="https://media.giphy.com/x.gif">',
      ),
    ).toBe("Oh My God Omg GIF by Instacart (GIF Image)");
    expect(htmlToText('<p>no alt <img src="x.png"> here</p>')).toBe("no alt here");
  });

  it("keeps links the way the Slack decoder keeps <url|label>", () => {
    expect(
      htmlToText(
        '<p>see <a href="https://example.com/a_b" rel="noreferrer noopener" target="_blank" title="https://example.com/a_b">https://example.com/a_b</a></p>',
      ),
    ).toBe("see https://example.com/a_b");
    expect(htmlToText('<p>read <a href="https://x.test/guide">the guide</a>.</p>')).toBe(
      "read the guide (https://x.test/guide).",
    );
    expect(htmlToText('<a href="https://x.test/">x.test</a>')).toBe("https://x.test/");
    expect(
      htmlToText('<a href="mailto:jo@council.test">Jo</a> <a href="mailto:priya%40council.test"></a>'),
    ).toBe("Jo");
    expect(htmlToText('<a href="javascript:alert(1)">click me</a>')).toBe("click me");
    expect(htmlToText('<a href="https://x.test/a?b=1&amp;c=2">query</a>')).toBe(
      "query (https://x.test/a?b=1&c=2)",
    );
    expect(htmlToText('<a href="https://x.test"></a>after')).toBe("after");
    expect(htmlToText('<a href="https://x.test/a">one <a href="https://x.test/b">two</a></a>')).toBe(
      "one (https://x.test/a)two (https://x.test/b)",
    );
    expect(htmlToText('<at>Jo <a href="https://x.test">Smith</a></at>')).toBe("@Jo Smith");
  });

  it("decodes entities once", () => {
    expect(
      htmlToText("<p>fish &amp; chips &lt;b&gt; &amp;lt; &#x1F600; &#128512; &quot;q&quot; &apos;</p>"),
    ).toBe('fish & chips <b> &lt; 😀 😀 "q" \'');
  });

  it("makes lines of paragraphs, breaks, divs and headings, and keeps one blank line for an empty paragraph", () => {
    expect(htmlToText("<p>Line one</p><p>&nbsp;</p><p>Line two</p>")).toBe("Line one\n\nLine two");
    expect(htmlToText("<div>a</div><div>b</div><h2>c</h2>d")).toBe("a\nb\nc\nd");
    expect(htmlToText("a<br>b<br/>c</br>d")).toBe("a\nb\nc\nd");
    expect(htmlToText("a<br><br><br><br>b")).toBe("a\n\nb");
    expect(htmlToText("<p>trailing break<br></p><p>next</p>")).toBe("trailing break\nnext");
  });

  it("makes list items into • lines, and numbers an ordered list's", () => {
    expect(htmlToText("<ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul><p>after</p>")).toBe(
      "• one\n• two\n1. a\n2. b\nafter",
    );
    expect(htmlToText("<ul><li>unclosed<li>items</ul>")).toBe("• unclosed\n• items");
  });

  it("keeps code blocks as written and collapses whitespace elsewhere like a browser", () => {
    expect(
      htmlToText(
        '<p>The <code>message</code> is:</p>\n<codeblock class="PlainText"><code>if (x) {\n    y();\n}</code></codeblock><p>done</p>',
      ),
    ).toBe("The message is:\nif (x) {\n    y();\n}\ndone");
    expect(htmlToText("<pre>  two  spaces\r\n\tand a tab</pre>")).toBe("  two  spaces\n\tand a tab");
    expect(
      htmlToText('<p itemtype="http://schema.skype.com/CodeBlockEditor">const  a = 1;</p><p>x   y</p>'),
    ).toBe("const  a = 1;\nx y");
    expect(htmlToText("  lots \n\t of   \r\n space  ")).toBe("lots of space");
    expect(htmlToText("a&nbsp;&nbsp;b")).toBe("a  b");
  });

  it("separates table cells with a tab and rows with lines", () => {
    expect(htmlToText("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>")).toBe(
      "a\tb\nc\td",
    );
  });

  it("drops attachment placeholders, quoted replies, scripts and styles", () => {
    expect(htmlToText('<attachment id="1700000000001"></attachment><p>my reply</p>')).toBe("my reply");
    // Whatever a client puts inside a placeholder is not the message's words.
    expect(htmlToText('<p>see <attachment id="153fa47d">report.pdf</attachment>this</p>')).toBe("see this");
    expect(
      htmlToText(
        '<blockquote itemtype="http://schema.skype.com/Reply" itemid="1700000000001"><strong itemprop="mri" itemid="8:orgid:x">Bob</strong><span itemprop="time" itemid="1700000000001"></span><p itemprop="preview">the old words</p></blockquote><p>new words</p>',
      ),
    ).toBe("new words");
    expect(htmlToText("<blockquote>a quote</blockquote>mine")).toBe("a quote\nmine");
    expect(htmlToText("<script>alert(1)</script><style>p { color: red }</style><p>visible</p>")).toBe(
      "visible",
    );
    expect(htmlToText("<!-- a comment --><!DOCTYPE html><p>text</p>")).toBe("text");
  });

  it("keeps zero-width characters, bidi controls and right-to-left text as they are (cards show them)", () => {
    expect(htmlToText("<p>a\u200Bb\u200Cc\u200Dd</p>")).toBe("a\u200Bb\u200Cc\u200Dd");
    expect(htmlToText("<p>👩‍💻 👍🏽 🇬🇧</p>")).toBe("👩‍💻 👍🏽 🇬🇧");
    expect(htmlToText("<p>safe &#x202E;txet</p>")).toBe("safe \u202Etxet");
    expect(htmlToText("<p>שלום <at>דנה</at> مرحبا</p>")).toBe("שלום @דנה مرحبا");
  });
});

describe("htmlToText: broken and hostile input", () => {
  it("never throws on broken HTML", () => {
    const broken = [
      "",
      "<",
      ">",
      "</",
      "<p",
      "<a href=",
      '<a href="https://x',
      "</div></p></at>stray",
      "<p><b>unclosed <i>italic",
      "<at>never closed",
      '<a href="https://x.test">never closed',
      "<<<>>>",
      "&",
      "&#;",
      "&#xZZ;",
      "&#99999999;",
      "<![CDATA[x]]>",
      "<?xml version='1.0'?>",
      "<svg><p>inside svg</p></svg>after",
      "<textarea><p>not a tag</textarea>after",
      "<script>never closed",
    ];
    for (const html of broken) {
      expect(() => htmlToText(html), html).not.toThrow();
    }
    expect(htmlToText("</div></p></at>stray")).toBe("stray");
    expect(htmlToText("<p><b>unclosed <i>italic")).toBe("unclosed italic");
    expect(htmlToText("<at>never closed")).toBe("@never closed");
    expect(htmlToText('<a href="https://x.test">never closed')).toBe("never closed (https://x.test)");
    expect(htmlToText("<<<>>>")).toBe("<<<>>>");
    expect(htmlToText("&#99999999;")).toBe("\uFFFD");
    expect(htmlToText("<svg><p>inside svg</p></svg>after")).toBe("after");
  });

  // 40,000 characters: Teams' own limit on a message is about 28 KB, so this is more than any
  // message; each case would take seconds with quadratic work (deep stacks searched on every
  // closing tag, regular expressions backtracking over long runs of spaces).
  const N = 40_000;

  it("reads a 40,000-character message", () => {
    const words = "word ".repeat(N / 5 - 2);
    const html = `<p>${words}</p>`;
    expect(html.length).toBeGreaterThanOrEqual(N - 10);
    expect(htmlToText(html)).toBe(words.trim());
  });

  it("reads 40,000 characters of hostile markup", () => {
    expect(htmlToText("<".repeat(N))).toBe("<".repeat(N));
    expect(htmlToText(`${"<div>".repeat(N / 5 - 1)}x`)).toBe("x");
    expect(htmlToText(`${"<b>".repeat(N / 6)}x${"</i>".repeat(N / 8)}`)).toBe("x");
    expect(htmlToText(`<div>${"<b>".repeat(N / 6)}${"<p></p>".repeat(N / 14)}x`)).toBe("x");
    expect(htmlToText(`<ol>${"<b>".repeat(N / 6)}${"<li>x".repeat(N / 10)}`)).toBe(
      Array.from({ length: N / 10 }, (_, i) => `${i + 1}. x`).join("\n"),
    );
    expect(htmlToText("&amp".repeat(N / 4))).toBe("&".repeat(N / 4));
    expect(htmlToText(`<a href="${"x".repeat(N)}`)).toBe("");
    expect(htmlToText(`<pre>${" ".repeat(N)}x</pre>`)).toBe(`${" ".repeat(N)}x`);
    expect(htmlToText(`<pre>x${" ".repeat(N)}</pre>`)).toBe("x");
    expect(htmlToText(`${" \n".repeat(N / 2)}x`)).toBe("x");
    expect(htmlToText("<br>".repeat(N / 4))).toBe("");
    expect(htmlToText(`${"<at>".repeat(N / 4)}x`)).toBe("@x");
    expect(htmlToText(`${"<a href='https://x.test'>".repeat(N / 25)}x`)).toBe("x (https://x.test)");
  });
});
