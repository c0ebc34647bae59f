''single line''
