#include <stdio.h>

int main(void)
{
	puts("shipdeck");
	return 0;
}
