"""Alice: correct code, and a message for a classmate in every kernel channel she finds."""
from _correct import install
from _kernel import hold_a_lock_and_read_the_data, leave_messages

install(globals())
print("alice:", "; ".join(leave_messages()), ";", hold_a_lock_and_read_the_data(4.0))
