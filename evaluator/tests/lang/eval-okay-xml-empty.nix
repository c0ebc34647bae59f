[ (builtins.toXML { }) (builtins.toXML [ ]) ]
