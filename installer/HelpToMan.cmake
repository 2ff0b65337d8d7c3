# cmake -DPROGRAM=... -DNAME=... -DSUMMARY=... -DVERSION=... -DOUTPUT=... -P HelpToMan.cmake
# Writes a man page (gzip -9n) whose body is the program's own --help text, so the two never
# say different things.
execute_process(COMMAND ${PROGRAM} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc
                ENCODING UTF-8)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} --help failed (${rc})")
endif()
# Qt prints argv[0] in the usage line: the build tree's path, not the command's name.
string(REPLACE "${PROGRAM}" "${NAME}" help "${help}")
# roff: a backslash is \e, and a line may not start with a control character.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
string(REGEX REPLACE "(^|\n)-" "\\1\\\\-" help "${help}")
string(TOUPPER "${NAME}" upper)
file(WRITE ${OUTPUT}
     ".TH ${upper} 1 \"\" \"${NAME} ${VERSION}\" \"User Commands\"\n"
     ".SH NAME\n${NAME} \\- ${SUMMARY}\n"
     ".SH DESCRIPTION\n.nf\n${help}.fi\n"
     ".SH SEE ALSO\n${SEE_ALSO}\n")
execute_process(COMMAND gzip -9nf ${OUTPUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${OUTPUT} failed")
endif()
