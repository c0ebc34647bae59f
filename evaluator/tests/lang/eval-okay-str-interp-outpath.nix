"${{ outPath = "some/path"; }}"
