#ifndef TCPCONFORM_ERRNO_NAME_H
#define TCPCONFORM_ERRNO_NAME_H

/* The symbolic name of an errno value ("ECONNRESET"), as the harness reports socket errors;
 * "errno N" for one the table does not know. */
const char *errno_name(int err);

#endif
