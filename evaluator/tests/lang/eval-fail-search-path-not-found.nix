# oracle.sh runs with NIX_PATH set to the empty string
<foo>
