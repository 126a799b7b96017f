#!/usr/bin/python3
"""Renders every template in this folder for every conversation in cases.json, with and without the generation
prompt, the way transformers' apply_chat_template does (transformers/utils/chat_template_utils.py,
_compile_jinja_template): an ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols
extension, a tojson filter calling json.dumps(ensure_ascii=False), and the raise_exception and strftime_now globals
(strftime_now reads the fixed date in cases.json so the output is reproducible). Writes expected.json.

Run with Debian's python3-jinja2:  /usr/bin/python3 render_references.py
"""
import datetime
import json
import os

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    today = datetime.datetime.strptime(cases["strftime_now"], "%Y-%m-%d")

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return today.strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now

    expected = {"jinja2_version": jinja2.__version__, "renderings": {}}
    for name, tokens in cases["templates"].items():
        with open(os.path.join(HERE, name + ".jinja"), encoding="utf-8") as f:
            template = env.from_string(f.read())
        for conversation, messages in cases["conversations"].items():
            for add_generation_prompt in (True, False):
                variables = {"messages": messages, "add_generation_prompt": add_generation_prompt}
                # transformers passes the tokenizer's special tokens; a model without one (Qwen2's BOS) leaves it out.
                for key in ("bos_token", "eos_token"):
                    if tokens[key] is not None:
                        variables[key] = tokens[key]
                key = f"{name}|{conversation}|{'gen' if add_generation_prompt else 'nogen'}"
                expected["renderings"][key] = template.render(**variables)

    with open(os.path.join(HERE, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
