(x: { inherit x; }) 5
