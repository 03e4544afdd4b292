import { Controller, Get, Render } from '@nestjs/common';

@Controller()
export class HomeController {
  @Get()
  @Render('home')
  home() {
    return { title: 'menu.monitor' };
  }
}
