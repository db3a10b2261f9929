"""The scenario file: loading and validation (every key, its type and its allowed values).

A scenario is checked as a whole before anything is loaded, so that ``hbr-emulator --scenario``
fails with one line naming the bad key (``instances[3].client.status: ...``) instead of a
traceback, and ``POST /_emulator/instances`` answers 400 with the same message.
"""

import json
import numbers

from .model import STATUSES, TASK_KINDS

ECS_STATUSES = ('Running', 'Stopped', 'Starting', 'Stopping', 'Pending')


class ScenarioError(ValueError):
    """A scenario (or admin request body) that does not fit the contract; the message names the key."""


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_text_map(value):
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


# key -> (check, what it must be)
_TOP = {
    'access_keys': (_is_text_map, 'an object of access key id to secret (strings)'),
    'sts_tokens': (_is_text_map, 'an object of access key id to token (strings)'),
    'region': (lambda v: isinstance(v, str) and bool(v), 'a region id such as cn-hangzhou'),
    'instance_count': (_is_count, 'a whole number >= 0'),
    'instances': (lambda v: isinstance(v, list), 'a list of instance ids or instance objects'),
    'task_seconds': (lambda v: isinstance(v, dict), 'an object of %s to seconds' % '/'.join(TASK_KINDS)),
    'client_version': (lambda v: isinstance(v, str), 'a version string such as 2.13.0'),
    'max_client_version': (lambda v: isinstance(v, str), 'a version string such as 2.14.0'),
    'vaults': (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), 'a list of vault ids'),
    'faults': (lambda v: isinstance(v, dict), 'an object (see "Faults" in the README)'),
    'behaviour': (lambda v: isinstance(v, dict), 'an object (see "Behaviour options" in the README)'),
    'clock_offset_seconds': (_is_number, 'a number of seconds'),
}
_INSTANCE = {
    'instance_id': (lambda v: isinstance(v, str) and v.startswith('i-'), 'an instance id starting with i-'),
    'status': (lambda v: v in ECS_STATUSES, 'one of %s' % ', '.join(ECS_STATUSES)),
    'cloud_assistant': (lambda v: isinstance(v, bool), 'true or false'),
    'install_fails': (lambda v: isinstance(v, bool), 'true or false'),
    'uninstall_fails': (lambda v: isinstance(v, bool), 'true or false'),
    'upgrade_fails': (lambda v: isinstance(v, bool), 'true or false'),
    'os_type': (lambda v: v in ('linux', 'windows'), 'linux or windows'),
    'arch': (lambda v: isinstance(v, str), 'a string such as amd64'),
    'zone_id': (lambda v: isinstance(v, str), 'a zone id such as cn-hangzhou-h'),
    'name': (lambda v: isinstance(v, str), 'a string'),
    'hostname': (lambda v: isinstance(v, str), 'a string'),
    'started_seconds_ago': (lambda v: _is_number(v) and v >= 0, 'a number of seconds >= 0'),
    'cloud_assistant_after_seconds': (lambda v: _is_number(v) and v >= 0, 'a number of seconds >= 0'),
    'client': (lambda v: isinstance(v, dict), 'an object'),
}
_CLIENT = {
    'status': (lambda v: v in STATUSES, 'one of %s' % ', '.join(STATUSES)),
    'version': (lambda v: isinstance(v, str), 'a version string'),
    'client_id': (lambda v: isinstance(v, str) and v.startswith('c-'), 'a client id starting with c-'),
    'settings': (lambda v: isinstance(v, dict), 'an object of HBR setting names (MaxCpuCore, ...) to values'),
    'tags': (_is_text_map, 'an object of tag key to value (strings)'),
    'resources': (lambda v: isinstance(v, dict) and set(v) <= {'plans', 'jobs', 'snapshots'}
                  and all(_is_count(n) for n in v.values()),
                  'an object with plans, jobs and snapshots counts'),
}


def _check_object(value, schema, where):
    if not isinstance(value, dict):
        raise ScenarioError('%s: must be a JSON object, got %s' % (where, type(value).__name__))
    for key, item in value.items():
        if key not in schema:
            raise ScenarioError('%s: unknown key %r (known: %s)' % (where, key, ', '.join(sorted(schema))))
        check, wanted = schema[key]
        if not check(item):
            raise ScenarioError('%s.%s: %s is not valid, use %s' % (where, key, json.dumps(item), wanted))


def check_instance(spec, where):
    """One entry of ``instances``: an id string or an instance object (with an optional client)."""
    if isinstance(spec, str):
        spec = {'instance_id': spec}
    _check_object(spec, _INSTANCE, where)
    if 'instance_id' not in spec:
        raise ScenarioError('%s: every instance needs an instance_id' % where)
    if 'client' in spec:
        _check_object(spec['client'], _CLIENT, where + '.client')
    return spec


def check_instances(spec, where='instances'):
    """The body of ``POST /_emulator/instances`` (or the fleet part of a scenario)."""
    if isinstance(spec, list):
        spec = {'instances': spec}
    if not isinstance(spec, dict):
        raise ScenarioError('%s: must be a JSON object or list' % where)
    for key in ('instance_count', 'instances'):
        if key in spec and not _TOP[key][0](spec[key]):
            raise ScenarioError('%s.%s: use %s' % (where, key, _TOP[key][1]))
    for index, instance in enumerate(spec.get('instances') or []):
        check_instance(instance, 'instances[%d]' % index)
    return spec


def check_scenario(scenario):
    """Raise ScenarioError unless ``scenario`` fits the contract; faults and behaviour are checked
    by their own owners when they are applied."""
    _check_object(scenario, _TOP, 'scenario')
    for kind, seconds in (scenario.get('task_seconds') or {}).items():
        if kind not in TASK_KINDS or not (_is_number(seconds) and seconds >= 0):
            raise ScenarioError('scenario.task_seconds.%s: use one of %s with a number of seconds >= 0'
                                % (kind, ', '.join(TASK_KINDS)))
    check_instances(scenario, 'scenario')
    return scenario


def load_scenario_file(path):
    """Read and check a scenario file; ScenarioError (one line) for every problem."""
    try:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
    except OSError as exc:
        raise ScenarioError('cannot read scenario file %s: %s' % (path, exc.strerror or exc))
    try:
        scenario = json.loads(text)
    except ValueError as exc:
        raise ScenarioError('scenario file %s is not valid JSON: %s' % (path, exc))
    try:
        return check_scenario(scenario)
    except ScenarioError as exc:
        raise ScenarioError('scenario file %s: %s' % (path, exc))
