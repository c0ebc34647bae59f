"${{ __toString = self: "custom"; }}"
