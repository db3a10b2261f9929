# -*- coding: utf-8 -*-
# The settings are declared once (_model.SETTINGS): the argument spec derives from it, and the
# hbr_client documentation and the backup_client role's pass-through are checked against it here.

from __future__ import absolute_import, division, print_function

import os
import re

import yaml

from ansible_collections.alicloud.hbr.plugins.module_utils import _model
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
ROLE = os.path.join(ROOT, 'roles', 'backup_client')


def test_argument_spec_of_every_setting_comes_from_the_schema():
    spec = hbr_client.argument_spec()
    for setting in _model.SETTINGS:
        option = spec[setting.option]
        assert option['type'] == ('str' if setting.kind == 'secret' else setting.kind)
        assert option.get('choices') == (list(setting.choices) if setting.choices else None)
        assert option.get('no_log', False) == (setting.kind == 'secret')


def test_documentation_of_every_setting_matches_the_schema():
    options = yaml.safe_load(hbr_client.DOCUMENTATION)['options']
    for setting in _model.SETTINGS:
        doc = options[setting.option]
        assert doc['type'] == ('str' if setting.kind == 'secret' else setting.kind), setting.option
        assert doc.get('choices') == (list(setting.choices) if setting.choices else None), setting.option
        if setting.bounds:
            text = ' '.join(doc['description']) if isinstance(doc['description'], list) else doc['description']
            assert '%d to %d' % setting.bounds in text or setting.option == 'max_memory', setting.option


def _role_text():
    assert os.path.isdir(os.path.join(ROLE, 'tasks')), ROLE
    texts = []
    for folder in ('tasks', 'defaults', 'vars'):
        path = os.path.join(ROLE, folder)
        for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
            with open(os.path.join(path, name)) as handle:
                texts.append(handle.read())
    return '\n'.join(texts)


def test_the_role_passes_every_setting_through():
    passed = set(re.findall(r'backup_client_settings\.(\w+)', _role_text()))
    passed |= set(re.findall(r'backup_client_settings\[.(\w+).\]', _role_text()))
    assert passed >= set(_model.SETTING_OPTIONS), 'the role drops %s' % sorted(set(_model.SETTING_OPTIONS) - passed)
    unknown = passed - set(hbr_client.argument_spec())
    assert not unknown, 'the role passes options hbr_client does not have: %s' % sorted(unknown)


def test_the_role_documents_every_setting_with_its_type():
    with open(os.path.join(ROLE, 'meta', 'argument_specs.yml')) as handle:
        specs = yaml.safe_load(handle)['argument_specs']
    options = specs['play']['options']['backup_client_settings']['options']
    for setting in _model.SETTINGS:
        assert setting.option in options, setting.option
        assert options[setting.option]['type'] == ('str' if setting.kind == 'secret' else setting.kind)
        assert options[setting.option].get('no_log', False) == (setting.kind == 'secret')
