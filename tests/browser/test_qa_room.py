"""Q&A in the room: the questions panel, asking, voting, the order and the host's "answering"."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.steps import open_room


def ask(page: Any, text: str) -> None:
    page.get_by_label("Ask a question").fill(text)
    page.get_by_role("button", name="Ask", exact=True).click()


def questions(page: Any) -> Any:
    return page.locator("#questions .qa-item .qa-text")


def test_questions_are_asked_voted_reordered_and_answered_live(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(qa=True)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")
    carol = open_room(context_factory(), live_server, slug, "carol")

    ask(alice, "What comes first?")
    expect(questions(carol)).to_have_text(["What comes first?"])
    ask(bob, "What comes next?")
    # Top: no votes yet, so the older first; New: the newest first.
    expect(questions(carol)).to_have_text(["What comes first?", "What comes next?"])
    carol.get_by_role("button", name="New", exact=True).click()
    expect(questions(carol)).to_have_text(["What comes next?", "What comes first?"])
    carol.get_by_role("button", name="Top", exact=True).click()
    expect(questions(carol)).to_have_text(["What comes first?", "What comes next?"])
    # The questions never appear among the chat's messages.
    expect(carol.locator("#messages li", has_text="What comes")).to_have_count(0)

    # Alice votes for Bob's question: it rises to the top on Carol's screen (the stream's votes item).
    vote = alice.locator("#questions .qa-item", has_text="What comes next?").locator("button.qa-vote")
    expect(vote).to_have_attribute("aria-pressed", "false")
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_have_accessible_name("Upvote (1 vote)")
    expect(questions(carol)).to_have_text(["What comes next?", "What comes first?"], timeout=10_000)
    expect(carol.locator("#questions .qa-item", has_text="What comes next?").locator(".qa-votes")).to_have_text("1")

    # The host marks Alice's question "answering" through the API: highlighted for everyone.
    status, answer = live_server.api("GET", f"/api/events/{slug}/questions?sort=new", token=key)
    assert status == 200, answer
    first = next(q for q in answer["questions"] if q["body"] == "What comes first?")
    status, answer = live_server.api(
        "PATCH", f"/api/events/{slug}/questions/{first['id']}", {"status": "answering"}, key
    )
    assert status == 200, answer
    for page in (alice, bob, carol):
        row = page.locator("#questions .qa-item", has_text="What comes first?")
        expect(row).to_have_class(re.compile(r"\banswering\b"))
        expect(row.locator(".qa-badge")).to_have_text("Being answered")

    # Taking back a vote: the count falls again.
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(carol.locator("#questions .qa-item", has_text="What comes next?").locator(".qa-votes")).to_have_text(
        "0", timeout=10_000
    )


def test_a_room_without_qa_has_no_questions_panel(live_server: LiveServer, context_factory: Any) -> None:
    slug = live_server.create_event()["event"]["slug"]
    page = open_room(context_factory(), live_server, slug, "alice")
    expect(page.locator("#composer")).to_be_visible()
    expect(page.locator("#questions")).to_have_count(0)


def test_the_askers_own_pending_question_waits_for_the_host_unseen_by_others(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(qa=True, qa_screening=True)
    slug, key = created["event"]["slug"], created["host_key"]
    alice = open_room(context_factory(), live_server, slug, "alice")
    bob = open_room(context_factory(), live_server, slug, "bob")

    ask(alice, "Is this screened?")
    mine = alice.locator("#questions .qa-item", has_text="Is this screened?")
    expect(mine.locator(".qa-badge")).to_have_text("Waiting for the host")
    expect(mine.locator("button.qa-vote")).to_be_disabled()  # one's own pending question takes no votes
    expect(bob.locator("#questions .qa-empty")).to_be_visible()

    status, listed = live_server.api("GET", f"/api/events/{slug}/questions", token=key)
    assert status == 200, listed
    (question,) = listed["questions"]
    status, answer = live_server.api("PATCH", f"/api/events/{slug}/questions/{question['id']}", {"status": "open"}, key)
    assert status == 200, answer
    expect(questions(bob)).to_have_text(["Is this screened?"])
    expect(mine.locator(".qa-badge")).to_be_hidden()
    expect(mine.locator("button.qa-vote")).to_be_enabled()


def test_a_reorder_keeps_the_question_under_the_readers_eyes_in_place(
    live_server: LiveServer, context_factory: Any
) -> None:
    slug = live_server.create_event(qa=True)["event"]["slug"]
    asker, voter = live_server.join(slug, "asker"), live_server.join(slug, "voter")
    ids = []
    for n in range(12):
        status, asked = live_server.api("POST", f"/api/events/{slug}/questions", {"body": f"Question {n}"}, asker)
        assert status == 201, asked
        ids.append(asked["question"]["id"])
    page = open_room(context_factory(), live_server, slug, "carol")
    expect(questions(page)).to_have_count(12)
    # Scrolled down the list a little: "Question 5" is the first the reader sees.
    before = page.evaluate(
        """() => {
          const list = document.querySelector('#questions .qa-list');
          const li = [...list.children].find((one) => one.textContent.includes('Question 5'));
          list.scrollTop = li.offsetTop - list.offsetTop;
          return li.getBoundingClientRect().top;
        }"""
    )
    # A question below rises above it.
    status, voted = live_server.api("PUT", f"/api/events/{slug}/questions/{ids[11]}/vote", token=voter)
    assert status == 200, voted
    expect(questions(page).first).to_have_text("Question 11", timeout=10_000)
    after = page.locator("#questions .qa-item", has_text="Question 5").evaluate(
        "(li) => li.getBoundingClientRect().top"
    )
    assert abs(after - before) <= 1, (before, after)


def test_the_question_table_folds_the_stream_and_the_api_in_order(
    live_server: LiveServer, context_factory: Any
) -> None:
    page = context_factory().new_page()
    page.goto(f"{live_server.base}/")
    result = page.evaluate(
        """async () => {
          const { QuestionTable } = await import('/static/questions-model.js');
          const table = new QuestionTable(() => 7);
          const q = (id, votes, participant_id = 1, created_at = `2026-01-01T00:00:0${id}Z`) =>
            ({ kind: 'question', id, body: 'q' + id, author: 'a', participant_id, created_at, votes, status: 'open' });
          const rest = table.take([q(1, 0), { kind: 'message', id: 2 }, q(3, 0), q(4, 0, 7)]).rest;
          // The API's answer (newer than what was read) wins over the older votes item that follows it.
          table.put({ ...q(3, 5), voted: true });
          table.take([{ kind: 'votes', id: 3, questions: { 3: 1, 1: 2 } }]);
          const afterStale = table.get(3).votes;
          table.take([{ kind: 'votes', id: 9, questions: { 3: 2 } }]);
          table.take([{ kind: 'question_status', id: 10, target: 4, status: 'pending', question: q(4, 0, 7) }]);
          table.take([{ kind: 'question', id: 11, body: 'hidden', participant_id: 2, votes: 0, status: 'dismissed' }]);
          return {
            rest: rest.map((item) => item.id), afterStale, votes: table.get(3).votes, voted: table.get(3).voted,
            top: table.sortTop().map((one) => one.id), newest: table.sortNew().map((one) => one.id),
          };
        }"""
    )
    assert result == {
        "rest": [2],
        "afterStale": 5,
        "votes": 2,
        "voted": True,
        # Question 1 got 2 votes; 3 has 2 too but is younger; 4 (the reader's, pending) has none;
        # another's dismissed question is not shown.
        "top": [1, 3, 4],
        "newest": [4, 3, 1],
    }


def test_on_a_phone_the_questions_are_a_tab_beside_the_chat(live_server: LiveServer, context_factory: Any) -> None:
    created = live_server.create_event(qa=True)
    slug = created["event"]["slug"]
    bob = live_server.join(slug, "bob")
    for body in ("Is it recorded?", "Where are the slides?"):
        status, reply = live_server.api("POST", f"/api/events/{slug}/questions", {"body": body}, bob)
        assert status == 201, reply
    phone = open_room(context_factory(viewport={"width": 390, "height": 844}), live_server, slug, "alice")
    chat_tab = phone.get_by_role("tab", name="Chat")
    questions_tab = phone.get_by_role("tab", name=re.compile("^Questions"))
    expect(chat_tab).to_have_attribute("aria-selected", "true")
    expect(questions_tab).to_have_accessible_name("Questions 2")
    # The chat first: the conversation and the composer, no questions.
    expect(phone.locator("#messages")).to_be_visible()
    expect(phone.locator("#questions")).to_be_hidden()

    questions_tab.click()
    expect(questions_tab).to_have_attribute("aria-selected", "true")
    expect(phone.locator("#messages")).to_be_hidden()
    expect(phone.locator("#composer")).to_be_hidden()
    expect(questions(phone)).to_have_text(["Is it recorded?", "Where are the slides?"])
    # The questions fill the room: the list reaches down to the bottom part of the screen.
    box = phone.locator("#questions .qa-list").bounding_box()
    assert box is not None and box["y"] + box["height"] > 844 * 0.9, box
    ask(phone, "Can I ask from here?")
    expect(questions(phone)).to_have_count(3)
    expect(questions_tab).to_have_accessible_name("Questions 3")

    # The arrow key moves back to the chat, as tabs do.
    questions_tab.press("ArrowLeft")
    expect(chat_tab).to_be_focused()
    expect(chat_tab).to_have_attribute("aria-selected", "true")
    expect(phone.locator("#messages")).to_be_visible()
    expect(phone.locator("#questions")).to_be_hidden()

    # A wide screen has no tabs: the panel sits above the conversation.
    phone.set_viewport_size({"width": 1280, "height": 800})
    expect(chat_tab).to_be_hidden()
    expect(phone.locator("#questions")).to_be_visible()
    expect(phone.locator("#messages")).to_be_visible()


def test_a_vote_in_one_tab_is_the_readers_own_in_their_other_tabs(
    live_server: LiveServer, context_factory: Any
) -> None:
    created = live_server.create_event(qa=True)
    slug = created["event"]["slug"]
    bob = live_server.join(slug, "bob")
    status, reply = live_server.api("POST", f"/api/events/{slug}/questions", {"body": "Is it recorded?"}, bob)
    assert status == 201, reply
    browser = context_factory()
    first = open_room(browser, live_server, slug, "alice")
    second = open_room(browser, live_server, slug, expect_composer=True)
    other = open_room(context_factory(), live_server, slug, "carol")  # another browser: not alice

    def vote_button(page: Any) -> Any:
        return page.locator("#questions .qa-item", has_text="Is it recorded?").locator("button.qa-vote")

    vote_button(first).click()
    expect(vote_button(first)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(second)).to_have_attribute("aria-pressed", "true")
    expect(vote_button(other).locator(".qa-votes")).to_have_text("1", timeout=10_000)
    expect(vote_button(other)).to_have_attribute("aria-pressed", "false")
    # Taken back in the second tab: no longer marked in the first.
    vote_button(second).click()
    expect(vote_button(second)).to_have_attribute("aria-pressed", "false")
    expect(vote_button(first)).to_have_attribute("aria-pressed", "false")
    expect(vote_button(other).locator(".qa-votes")).to_have_text("0", timeout=10_000)
