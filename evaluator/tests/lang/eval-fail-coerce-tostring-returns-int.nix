"${{ __toString = self: 1; }}"
