"""A local emulator of the Alibaba Cloud HBR (Cloud Backup) 2017-09-08 RPC API."""

__version__ = '1.0.0'
