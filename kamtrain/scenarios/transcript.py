"""What a run looks like as a conversation: the nodes passed and the choices made, in order (pure).

The engine's ``State.trail`` lists every node passed (say and note nodes included) and ``State.path``
the choices; walking both together gives the chat: cast lines, situation notes, each decision's
prompt followed by the trainee's response, free-text replies with their self-check hints, the ending.
"""

from dataclasses import dataclass

from kamtrain.scenarios.engine import TEXT


@dataclass
class Entry:
    kind: str  # line | note | prompt | choice | reply | hints | ending
    node: str
    text: str = ""
    speaker: object = None  # Person (line)
    speaker_code: str | None = None
    current: bool = False  # prompt: the decision or free-text node the run waits at
    items: tuple = ()  # hints
    ending: object = None  # Node (ending)
    number: int | None = None  # prompt/choice/reply: the step's position (0, 1, …)


def entries(scenario, state):
    """The conversation of a play so far, as a list of Entry."""
    out = []
    steps = list(state.path)
    i = 0
    for code in state.trail:
        node = scenario.nodes[code]
        if node.kind == "say":
            for speaker, text in node.lines:
                out.append(Entry("line", code, text, scenario.people.get(speaker), speaker))
        elif node.kind == "note":
            out.append(Entry("note", code, node.text))
        elif node.kind in ("decision", "free_text"):
            step = steps[i] if i < len(steps) and steps[i].node == code else None
            out.append(Entry("prompt", code, node.text, current=step is None, number=i))
            if step is None:
                continue
            if step.choice == TEXT:
                out.append(Entry("reply", code, step.text or "", number=i))
                if node.hints:
                    out.append(Entry("hints", code, items=tuple(node.hints)))
            else:
                response = node.response(step.choice)
                out.append(Entry("choice", code, response.text if response else step.choice, number=i))
            i += 1
        elif node.kind == "ending":
            out.append(Entry("ending", code, ending=node))
    return out


def choices_made(scenario, state):
    """[(decision Node, chosen Response)] along a play, for showing a path (free text left out)."""
    out = []
    for step in state.path:
        node = scenario.nodes[step.node]
        if step.choice != TEXT:
            out.append((node, node.response(step.choice)))
    return out
