// On a phone the questions are a tab beside the chat: "Chat" and "Questions (n)" above the room,
// one of them filling the screen (qa.css, small screens). On a larger screen the strip is not
// shown and the panel stays above the conversation, folded by its summary. The choice lives in
// <div class="chat-main" data-tab="chat|questions">, which the style reads only on small screens,
// so a phone turned sideways or a window made wider simply shows both again.

import { make } from "./el.js";
import { t } from "./i18n.js";
import { Tabs } from "./tablist.js";

const TEXT = {
  // Translators: on a phone, the tabs that switch between the chat and the questions to the host.
  strip: t("Chat or questions"),
  // Translators: the phone tab that shows the chat's messages.
  chat: t("Chat"),
  // Translators: the phone tab that shows the questions to the host (Q&A).
  questions: t("Questions"),
};

export class QuestionTabs {
  /** chatMain: the room's .chat-main; box: the questions panel (<details id="questions">). */
  constructor(chatMain, box) {
    this.chatMain = chatMain;
    this.box = box;
    const strip = (this.strip = make("div", "qa-tabs"));
    strip.setAttribute("role", "tablist");
    strip.setAttribute("aria-label", TEXT.strip);
    this.chatTab = this.tab("qa-tab-chat", TEXT.chat, "messages", true);
    this.questionsTab = this.tab("qa-tab-questions", TEXT.questions, box.id, false);
    this.count = make("span", "qa-tab-count");
    this.questionsTab.append(" ", this.count);
    strip.append(this.chatTab, this.questionsTab);
    chatMain.dataset.tab = "chat";
    chatMain.prepend(strip);
    new Tabs(strip, (id) => this.shown(id), { hide: false });
  }

  tab(id, label, controls, selected) {
    const button = make("button", "qa-tab", label);
    button.type = "button";
    button.id = id;
    button.setAttribute("role", "tab");
    button.setAttribute("aria-controls", controls);
    button.setAttribute("aria-selected", selected ? "true" : "false");
    button.tabIndex = selected ? 0 : -1;
    return button;
  }

  shown(id) {
    const questions = id === this.questionsTab.id;
    this.chatMain.dataset.tab = questions ? "questions" : "chat";
    if (questions) this.box.open = true; // its summary is not shown on a phone: the tab is the way in
  }

  /** How many questions there are, as the page writes numbers ("" for none), on the Questions tab. */
  counted(text) {
    this.count.textContent = text;
  }

  remove() {
    this.strip.remove();
    delete this.chatMain.dataset.tab;
  }
}
