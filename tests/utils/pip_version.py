# -*- coding: utf-8 -*-
# Print the pip version that the installed ansible-test bootstraps into its virtualenvs.
import os
import re

import ansible_test

SOURCE = os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')

with open(SOURCE) as handle:
    print(re.search(r"pip='([0-9.]+)'", handle.read()).group(1))
