#!/usr/bin/env python3
"""Writes docs/configuration.md and examples/station.toml from the key table in
Sources/Station/Configuration/ConfigurationKeys.swift (RunCLITests checks they agree)."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = open(os.path.join(ROOT, 'Sources/Station/Configuration/ConfigurationKeys.swift')).read()
keys = []
for m in re.finditer(r'\.init\("([a-z_.]+)", \.(\w+), "((?:[^"\\]|\\.)*)",(?: env: "(\w+)",)?( secret: true,)? "((?:[^"\\]|\\.)*)"\)', src):
    name, kind, default, env, secret, help_ = m.groups()
    keys.append((name, kind, default.replace('\\"', '"'), env or 'PACKSTATION_' + name.upper().replace('.', '_'), bool(secret), help_.replace('\\"', '"')))
kinds = {'string': 'string', 'integer': 'integer', 'boolean': 'boolean', 'strings': 'array of strings'}
doc = ['# Configuration', '',
       'The agent reads one file: `--config FILE`, else `$PACKSTATION_CONFIG`, else `/etc/packstation/station.toml`',
       '(install.sh installs a commented one), else `./station.toml`; with none it runs on embedded defaults',
       '(a dev box: data in `./packstation-data`, orders from `station.orders_file` or the server, labels to the',
       'first printer found or as PDF files in `DATA_DIR/labels/`). Every key can be overridden by its environment',
       'variable; `packstation run` options override both. `packstation config check` validates the whole',
       'configuration and prints every key with its value and where it came from (secrets as `<redacted>`).',
       'Errors name the key, the file and line or the variable:',
       '`Configuration key printer.dpi (/etc/packstation/station.toml:14) must be 203, 300 or 600, not 250.`',
       'Unknown keys and sections are errors (a typo never silently falls back to a default).', '',
       'The file is TOML v1.0.0 (tables, `[[bench]]` arrays of tables, dotted keys, inline tables, basic, literal and multi-line strings, integers, booleans, arrays on one line or several); no key takes a date.',
       'This page and `examples/station.toml` are generated from the agent\'s own key table by',
       '`scripts/generate-config-docs.py`; a test fails when they drift.', '',
       '| key | type | default | environment | secret | what it does |', '|---|---|---|---|---|---|']
for name, kind, default, env, secret, help_ in keys:
    envc = '—' if name.startswith('bench.') else f'`{env}`'
    doc.append(f'| `{name}` | {kinds[kind]} | {default} | {envc} | {"yes" if secret else "no"} | {help_} |')
doc += ['', '## Benches', '',
        'One `[[bench]]` table per packer. A scanner feeds the bench whose `scanners` list has its id (the USB path',
        '`packstation devices` shows), its `VID:PID` or its name; the one bench with an empty list takes every other',
        'scanner. Without `[[bench]]` there is one bench, `bench-1`, fed by every scanner. Each bench has its own pack',
        'session and its column on the kiosk; `bench.printer` gives it its own printer.', '',
        '```toml', '[[bench]]', 'name = "left"', 'scanners = ["05e0:1200"]', 'printer = "tcp://10.0.0.21:9100"', '',
        '[[bench]]', 'name = "right"', 'scanners = []   # every other scanner', '```', '']
open(os.path.join(ROOT, 'docs/configuration.md'), 'w').write('\n'.join(doc))
ex = ['# packstation station configuration (TOML). Every key is optional; the commented value is the',
      '# default. docs/configuration.md explains each key; `packstation config check` validates this file.', '']
section = None
for name, kind, default, env, secret, help_ in keys:
    sec, key = name.split('.', 1)
    if sec == 'bench':
        continue
    if sec != section:
        ex.append(f'[{sec}]')
        section = sec
    ex.append(f'# {help_}' + (' SECRET.' if secret else '') + f' (env {env})')
    literal = {'integer': default, 'boolean': default, 'strings': default}.get(kind)
    if literal is None:
        literal = f'"{default}"' if re.fullmatch(r'[\w.:/-]+', default) and default not in ('none',) else f'"…"  # default: {default}'
    ex.append(f'# {key} = {literal}')
    ex.append('')
ex += ['# One [[bench]] per packer (see docs/configuration.md):', '# [[bench]]', '# name = "left"',
       '# scanners = ["05e0:1200"]', '# printer = "tcp://10.0.0.21:9100"', '']
open(os.path.join(ROOT, 'examples/station.toml'), 'w').write('\n'.join(ex))
print(f'{len(keys)} keys')
