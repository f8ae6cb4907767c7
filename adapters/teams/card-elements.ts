/**
 * The Adaptive Card 1.5 shapes we build (https://adaptivecards.io/explorer/, schema 1.5) and the
 * two ways text gets onto a card:
 *
 * - {@link ourText}: a `TextBlock`, for our own fixed words and week keys only. A TextBlock's text
 *   is Markdown in Teams (bold, italic, lists, links: "Format cards in Microsoft Teams",
 *   https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format),
 *   and backslash escapes are not honoured alike by every client (Android and iOS show the
 *   backslash: MicrosoftDocs/msteams-docs#5793), so nothing from chat or an LLM goes there.
 * - {@link chatText}: a `RichTextBlock` of `TextRun`s, for anything from chat or an LLM (the note,
 *   names, titles). "RichTextBlock does not support Markdown" (Adaptive Cards "Text features",
 *   https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features): a TextRun's text
 *   shows as written, so `**`, `[x](y)`, `<at>` or `_` typed in chat stay characters. Bidi control
 *   characters are shown as `<U+202E>` (card-text.ts) and bare http(s) URLs become links we build
 *   (a TextRun with an `Action.OpenUrl` selectAction, its text the URL itself).
 */

import { linkPieces, showBidiControls } from "./card-text.ts";

export const ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
/** Teams desktop and web render schema 1.5; Action.Execute needs 1.4 or later. */
export const ADAPTIVE_CARD_VERSION = "1.5";
/** The content type of an Adaptive Card attachment and of an invoke response carrying a card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export type Spacing = "None" | "Small" | "Default" | "Medium" | "Large";
export type TextSize = "Small" | "Default" | "Medium" | "Large";
export type TextColor = "Default" | "Accent" | "Good" | "Warning" | "Attention";

export interface OpenUrlAction {
  readonly type: "Action.OpenUrl";
  readonly url: string;
  readonly title?: string;
}

export interface TextRun {
  readonly type: "TextRun";
  readonly text: string;
  readonly weight?: "Bolder";
  readonly italic?: true;
  readonly size?: TextSize;
  readonly isSubtle?: true;
  readonly color?: TextColor;
  readonly selectAction?: OpenUrlAction;
}

export interface TextBlock {
  readonly type: "TextBlock";
  readonly text: string;
  readonly wrap: true;
  readonly weight?: "Bolder";
  readonly size?: TextSize;
  readonly isSubtle?: true;
  readonly color?: TextColor;
  readonly spacing?: Spacing;
}

export interface RichTextBlock {
  readonly type: "RichTextBlock";
  readonly inlines: readonly TextRun[];
  readonly spacing?: Spacing;
}

export interface InputText {
  readonly type: "Input.Text";
  readonly id: string;
  readonly label: string;
  readonly value?: string;
  readonly placeholder?: string;
  readonly isMultiline?: true;
  readonly maxLength?: number;
  readonly isRequired?: true;
  readonly errorMessage?: string;
}

export interface Choice {
  readonly title: string;
  readonly value: string;
}

export interface InputChoiceSet {
  readonly type: "Input.ChoiceSet";
  readonly id: string;
  readonly label: string;
  readonly choices: readonly Choice[];
  /**
   * Teams' people picker: choices searched in the directory (Teams "People Picker in Adaptive
   * Cards", https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/people-picker).
   */
  readonly "choices.data"?: { readonly type: "Data.Query"; readonly dataset: string };
  readonly value?: string;
  readonly style?: "compact" | "expanded" | "filtered";
  readonly isMultiSelect?: true;
  readonly isRequired?: true;
  readonly errorMessage?: string;
}

export interface InputToggle {
  readonly type: "Input.Toggle";
  readonly id: string;
  readonly label: string;
  readonly title: string;
  readonly value: "true" | "false";
  readonly valueOn: "true";
  readonly valueOff: "false";
}

export type CardElement = TextBlock | RichTextBlock | InputText | InputChoiceSet | InputToggle;

/** Universal Actions' button: Teams sends an `adaptiveCard/action` invoke with `verb` and `data`. */
export interface ExecuteAction {
  readonly type: "Action.Execute";
  readonly title: string;
  readonly verb: string;
  readonly data: Readonly<Record<string, string | number>>;
  readonly style?: "positive" | "destructive";
}

export interface ShowCardAction {
  readonly type: "Action.ShowCard";
  readonly title: string;
  readonly card: NestedCard;
}

/** A dialog's (task module's) submit: its data and the card's inputs go to `…/submitAction`. */
export interface SubmitAction {
  readonly type: "Action.Submit";
  readonly title: string;
  readonly data?: Readonly<Record<string, string>>;
  readonly style?: "positive" | "destructive";
}

export type CardAction = ExecuteAction | ShowCardAction | SubmitAction;

/** The card an Action.ShowCard opens: no version of its own. */
export interface NestedCard {
  readonly type: "AdaptiveCard";
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
}

/** A top-level Adaptive Card as we send it. */
export interface AdaptiveCard {
  readonly type: "AdaptiveCard";
  readonly $schema: typeof ADAPTIVE_CARD_SCHEMA;
  readonly version: typeof ADAPTIVE_CARD_VERSION;
  readonly body: readonly CardElement[];
  readonly actions?: readonly CardAction[];
  /** Right to left (schema 1.5); only set, to true, when the note's letters are mostly RTL. */
  readonly rtl?: true;
  /** Teams: use the conversation's full width (cards-format, "Full width Adaptive Card"). */
  readonly msteams?: { readonly width: "Full" };
}

/** A top-level card around `body`. */
export function adaptiveCard(
  body: readonly CardElement[],
  options: { actions?: readonly CardAction[]; rtl?: boolean; fullWidth?: boolean } = {},
): AdaptiveCard {
  return {
    type: "AdaptiveCard",
    $schema: ADAPTIVE_CARD_SCHEMA,
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(options.actions && options.actions.length > 0 ? { actions: options.actions } : {}),
    ...(options.rtl ? { rtl: true as const } : {}),
    ...(options.fullWidth ? { msteams: { width: "Full" as const } } : {}),
  };
}

export interface TextStyle {
  readonly weight?: "Bolder";
  readonly size?: TextSize;
  readonly isSubtle?: true;
  readonly color?: TextColor;
  readonly spacing?: Spacing;
}

/** Our own words as a wrapping TextBlock. Never give it text from chat or an LLM (see above). */
export function ourText(text: string, style: TextStyle = {}): TextBlock {
  return { type: "TextBlock", text, wrap: true, ...style };
}

export interface RunStyle {
  readonly weight?: "Bolder";
  readonly italic?: true;
  readonly size?: TextSize;
  readonly isSubtle?: true;
  readonly color?: TextColor;
}

/**
 * Text from chat or an LLM, shown exactly as written: bidi controls made visible, URLs as links.
 * One line: callers split text at line breaks first (a TextRun's line breaks are not rendered
 * alike everywhere).
 */
export function chatText(text: string, style: RunStyle = {}, spacing?: Spacing): RichTextBlock {
  return {
    type: "RichTextBlock",
    inlines: chatRuns(text, style),
    ...(spacing === undefined ? {} : { spacing }),
  };
}

/** The runs of {@link chatText}. */
export function chatRuns(text: string, style: RunStyle = {}): TextRun[] {
  const shown = showBidiControls(text);
  const runs = linkPieces(shown).map(
    (piece): TextRun =>
      piece.url === undefined
        ? { type: "TextRun", text: piece.text, ...style }
        : {
            type: "TextRun",
            text: piece.text,
            ...style,
            color: "Accent",
            selectAction: { type: "Action.OpenUrl", url: piece.url },
          },
  );
  return runs.length > 0 ? runs : [{ type: "TextRun", text: "", ...style }];
}
