"""Fingertip: measures fingertip formalism (指尖上的形式主义) in work chat groups."""

__version__ = "0.1.0"
