import type { Card } from "../../../src/core/card.ts";
import { renderCard, type SlackBlock } from "./block-kit.ts";

/** A Home tab view (https://docs.slack.dev/reference/views/home-tab-views). */
export interface SlackHomeView {
  type: "home";
  blocks: SlackBlock[];
}

/** The card rendered as the blocks of a Home tab: the same renderer and limits as messages. */
export function homeView(card: Card): SlackHomeView {
  return { type: "home", blocks: renderCard(card).blocks };
}
