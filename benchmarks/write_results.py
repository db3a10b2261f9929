"""Assemble benchmarks/RESULTS.md from the tables `make bench` just measured."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(fleet_table, throughput_table):
    with open(os.path.join(HERE, 'RESULTS.intro.md')) as handle:
        intro = handle.read()
    with open(fleet_table) as handle:
        fleet = handle.read()
    with open(throughput_table) as handle:
        throughput = handle.read()
    with open(os.path.join(HERE, 'RESULTS.md'), 'w') as handle:
        handle.write(intro.rstrip() + '\n\n## Fleet convergence (`benchmarks/fleet.py`)\n\n' + fleet.rstrip()
                     + '\n\n## Emulator throughput (`benchmarks/emulator_throughput.py`)\n\n' + throughput.rstrip()
                     + '\n')


if __name__ == '__main__':
    main(*sys.argv[1:])
