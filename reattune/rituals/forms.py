"""The ritual forms' check before saving: every problem at once, each beside its field.

The actions check the answers again when they save (actions.clean_answers) and stop at the
first problem, which is what the API reports. A page shows every problem together instead,
each next to the answer it is about, so nobody has to send the form two or three times.
"""

from reattune.rituals import actions


def field_errors(kind, answers: dict, resting=frozenset()) -> dict[str, str]:
    """{prompt id: message} for every answer that cannot be saved as it is, in form order.

    The same checks as actions.clean_answers, one prompt at a time (prompts in `resting` are
    never required, as there)."""
    errors = {}
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid in resting:
            prompt = {**prompt, "required": False}
        try:
            if prompt["kind"] == "scale":
                actions._clean_scale(prompt, answers.get(pid))
            elif prompt["kind"] == "feelings":
                actions.clean_feelings(prompt, answers.get(pid), answers.get("own_feelings"))
            else:
                actions._clean_text(prompt, answers.get(pid))
        except actions.RitualError as problem:
            errors[pid] = _short(prompt, str(problem))
    return errors


def _short(prompt, message: str) -> str:
    """The message without the prompt's label in front: it is shown right under the label."""
    label = prompt.get("label", "")
    if label and message.startswith(label + ": "):
        message = message[len(label) + 2 :]
    return message[:1].upper() + message[1:]
