# -*- coding: utf-8 -*-
# Every module's DOCUMENTATION, EXAMPLES and RETURN parse as YAML, and the documented options are
# exactly the argument spec (module options plus the shared fragment).

from __future__ import absolute_import, division, print_function

import pytest
import yaml

from ansible_collections.alicloud.hbr.plugins.doc_fragments.hbr import ModuleDocFragment
from ansible_collections.alicloud.hbr.plugins.module_utils._connection import hbr_argument_spec
from ansible_collections.alicloud.hbr.plugins.modules import hbr_client, hbr_client_info, hbr_client_resources

MODULES = [hbr_client, hbr_client_info, hbr_client_resources]


@pytest.mark.parametrize('module', MODULES, ids=lambda m: m.__name__.rsplit('.', 1)[-1])
def test_doc_blocks_parse_and_match_the_spec(module):
    doc = yaml.safe_load(module.DOCUMENTATION)
    examples = yaml.safe_load(module.EXAMPLES)
    returns = yaml.safe_load(module.RETURN)
    assert isinstance(examples, list) and all(isinstance(task, dict) and 'name' in task for task in examples)
    assert all(any(key.startswith('alicloud.hbr.') for key in task) for task in examples), 'FQCN in every example'
    assert 'clients' in returns
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    documented = set(doc['options']) | set(fragment)
    if 'alicloud.hbr.hbr.cross_account' in doc['extends_documentation_fragment']:
        documented |= set(yaml.safe_load(ModuleDocFragment.CROSS_ACCOUNT)['options'])
    assert documented == set(module.argument_spec()) | set(hbr_argument_spec())


def test_fragment_documents_every_connection_option():
    fragment = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    for name, spec in hbr_argument_spec().items():
        assert name in fragment
        assert fragment[name].get('aliases', []) == spec.get('aliases', [])
        assert fragment[name].get('default') == spec.get('default')
        for variable in (spec.get('fallback') or (None, []))[1]:
            assert 'E(%s)' % variable in ' '.join(fragment[name]['description']), (name, variable)
