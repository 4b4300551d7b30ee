"""The templated message for one recipient on one occasion."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from scheduled_message.config import Config
from scheduled_message.recipients import Recipient


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str | None  # values are HTML-escaped


def render(config: Config, recipient: Recipient, on: date) -> Message:
    values = {
        "name": recipient.name,
        "first_name": recipient.name.split()[0],
        "age": str(on.year - recipient.birth_year) if recipient.birth_year else "",
    }
    return Message(
        subject=config.subject_template.substitute(values),
        text=config.body_template.substitute(values),
        html=(
            config.html_template.substitute({k: html.escape(v) for k, v in values.items()})
            if config.html_template
            else None
        ),
    )
