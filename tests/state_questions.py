"""Shared check for the models' state questions (Case.is_open, IPRight.is_rejected…): ask one of
an unsaved instance in each value of its field's choices, and collect the values it says yes to."""


def answered_yes(model, field: str, choices, question: str) -> set[str]:
    return {value for value in choices.values if getattr(model(**{field: value}), question)}
