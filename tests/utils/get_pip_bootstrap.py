# -*- coding: utf-8 -*-
# Stand-in for the get-pip.py bootstrap script that `ansible-test --venv` downloads from
# ci-files.testing.ansible.com, a host this project's machines cannot reach. ansible-test runs
# this file with pip-install arguments (for example `--disable-pip-version-check pip==24.2`),
# exactly as it runs get-pip.py. We install pip with the interpreter's own ensurepip, then let
# that pip install the exact versions asked for from the package index. `make sanity` copies
# this file to ~/.ansible/test/cache/get_pip_<version>.py when no cached script is there.
import subprocess
import sys

GET_PIP_ONLY_FLAGS = ('--no-setuptools', '--no-wheel')


def main():
    arguments = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + arguments)


if __name__ == '__main__':
    main()
