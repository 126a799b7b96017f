#!/usr/bin/python3
"""Renders each [InlineData(template, expected)] of Tokenization/ChatTemplateTests.cs with python3-jinja2 under transformers'
settings and prints OK or BAD per case; the semantic cases must all print OK (the refusal cases are C#-only errors).

Run with Debian's python3-jinja2:  /usr/bin/python3 check_unit_cases.py
"""
import json
import os
import re

from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
    x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]


def unescape(s):
    return s.encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


with open(os.path.join(HERE, "..", "..", "Tokenization", "ChatTemplateTests.cs"), encoding="utf-8") as f:
    source = f.read()
for m in re.finditer(r'\[InlineData\("((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)\]', source):
    template, expected = unescape(m.group(1)), unescape(m.group(2))
    try:
        rendered = env.from_string(template).render(messages=messages, add_generation_prompt=False, bos_token="<s>", eos_token="</s>")
    except Exception as e:  # the refusal cases
        rendered = f"{type(e).__name__}: {e}"
    print("OK " if rendered == expected else "BAD", repr(template), repr(rendered))
