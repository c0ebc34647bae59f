# interpolated text is not subject to indentation stripping
let x = "l1\n      l2"; in ''
    ${x}
    end
''
