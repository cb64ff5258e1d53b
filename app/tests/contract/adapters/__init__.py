"""Every module in this package may define adapters; they are found here, so adding an
implementation to the contract suite means adding one module and nothing else."""

import importlib
import pkgutil

from .base import Adapter


def discover():
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    found = [cls for cls in _subclasses(Adapter) if cls.name]
    return sorted(found, key=lambda cls: (cls.order, cls.name))


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


ADAPTERS = discover()
