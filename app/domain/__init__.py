"""The domain layer: models hold data and invariants, services write, selectors read.

Every rule of μblog lives here, once. The five interfaces in ``interfaces/`` only translate
between their protocol and these functions.
"""
